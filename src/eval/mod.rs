//! Evaluation: classification and summary metrics behind `stance compare`.

pub mod metrics;
pub mod rouge;
pub mod vector;
