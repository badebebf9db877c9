//! Evaluation: classification and summary metrics behind `stance compare`.

pub mod calibration;
pub mod compare;
pub mod dataset;
pub mod metrics;
pub mod oracle;
pub mod paired;
pub mod rouge;
pub mod summaries;
pub mod summary_fit;
