//! Run-time SIMD dispatch for the CPU kernels: [`multiversion!`] compiles a function for AVX2 + FMA
//! and for the baseline target and picks one per call. `ops` and `int8` both use it; it uses neither.

/// Defines a function twice, once compiled for AVX2 + FMA, and picks the fast one at run time,
/// so the elementwise loops in `ops::math` and `int8` vectorise without giving up older CPUs.
macro_rules! multiversion {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2,fma")]
                fn avx2($($arg: $ty),*) $(-> $ret)? $body
                if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
                    // SAFETY: the features were just detected.
                    return unsafe { avx2($($arg),*) };
                }
            }
            $body
        }
    };
}
pub(super) use multiversion;
