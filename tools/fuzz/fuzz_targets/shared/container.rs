//! What the container fuzz targets share: one hand-written reader run on
//! the input with small limits, so that every path, the limits' included,
//! is reached within a short run.

use qmvc::container::{self, Budget, Format, Limits};

/// Reads `data` as `format` under limits of 64 members, depth 3, 1 MiB
/// and ratio 50; the result is dropped (a panic or a hang is the finding).
pub fn read(format: Format, data: &[u8]) {
    let limits = Limits {
        max_members: 64,
        max_depth: 3,
        max_bytes: 1 << 20,
        max_ratio: 50,
    };
    let mut budget = Budget::new(&limits);
    let _ = container::read(format, data, &mut budget);
}
