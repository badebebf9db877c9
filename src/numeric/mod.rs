//! The numeric floor under every other module: vector maths, a seeded RNG, confusion matrices and
//! macro-F1, cross-validation folds and ridge regression. It imports nothing from the rest of the crate but the
//! error type.

pub mod confusion;
pub mod folds;
pub mod ridge;
pub mod rng;
pub mod vector;
