//! Fresh bytes from the OS for salts and random passwords: every scheme
//! draws its salt here.

use rand::TryRngCore;
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

pub(super) fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>> {
    let mut bytes = Zeroizing::new([0u8; N]);
    OsRng
        .try_fill_bytes(bytes.as_mut())
        .map_err(|e| Error::internal(format!("the system random generator failed: {e}")))?;
    Ok(bytes)
}
