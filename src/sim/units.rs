//! Units and conversions the mechanisms share. These are not parameters: they fix what the
//! parameters' units mean (a month of upkeep, a rate per 10,000 troops), so changing one would
//! change the meaning of every calibrated value expressed in it.

/// Days in a week: the time step of the weekly mechanisms (communities, displacement, presence,
/// territorial revenue).
pub const DAYS_PER_WEEK: f64 = 7.0;

/// Days in a month, for upkeep and pay reserves expressed per month.
pub const DAYS_PER_MONTH: f64 = 30.0;

/// Days in a year, for rates expressed per year (zakat, gold production).
pub const DAYS_PER_YEAR: f64 = 365.0;

/// US$ in a million, for amounts written in million US$.
pub const USD_PER_MILLION: f64 = 1.0e6;
