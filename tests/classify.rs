//! `stance classify` on real files.
