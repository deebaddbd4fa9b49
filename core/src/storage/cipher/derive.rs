//! A passphrase's key, derived once per file: SQLCipher 4's PBKDF2 over the
//! file's salt, by the same libcrypto function SQLCipher calls, then handed
//! to SQLCipher raw by every later connection (see the parent module).

use std::cell::Cell;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::raw_material;

/// SQLCipher 4's key derivation, which Panelist never changes: the number
/// of PBKDF2-HMAC-SHA512 iterations over the file's salt.
const KDF_ITERATIONS: u32 = 256_000;
/// The salt SQLCipher keeps in the first bytes of an encrypted file.
pub(super) const SALT_LEN: usize = 16;

thread_local! {
    /// Key derivations paid on this thread (see [`key_derivations`]).
    static DERIVATIONS: Cell<u64> = const { Cell::new(0) };
}

pub(super) fn count_derivation() {
    DERIVATIONS.with(|c| c.set(c.get() + 1));
}

/// How many passphrase key derivations this thread has paid so far (ours
/// and SQLCipher's): for tests that check a connection skips it.
#[doc(hidden)]
pub fn key_derivations() -> u64 {
    DERIVATIONS.with(Cell::get)
}

/// The key SQLCipher derives from a passphrase for one file (bound to that
/// file's salt), derived once and handed to SQLCipher as a raw key by every
/// later connection. Shared by its clones; zeroed when the last one drops.
#[derive(Clone)]
pub(crate) struct Derived {
    key: Arc<Zeroizing<[u8; 32]>>,
}

// The crypto provider of the bundled SQLCipher is OpenSSL's libcrypto,
// which libsqlite3-sys links: its PBKDF2 is the very function SQLCipher
// calls to derive a passphrase's key.
extern "C" {
    fn EVP_sha512() -> *const std::ffi::c_void;
    fn PKCS5_PBKDF2_HMAC(
        pass: *const std::ffi::c_char,
        passlen: std::ffi::c_int,
        salt: *const u8,
        saltlen: std::ffi::c_int,
        iter: std::ffi::c_int,
        digest: *const std::ffi::c_void,
        keylen: std::ffi::c_int,
        out: *mut u8,
    ) -> std::ffi::c_int;
}

impl Derived {
    /// SQLCipher's derivation of `passphrase` with `salt` (paid here), by
    /// the same libcrypto function SQLCipher uses; None if it fails.
    pub(super) fn new(passphrase: &str, salt: [u8; SALT_LEN]) -> Option<Derived> {
        count_derivation();
        let mut key = Zeroizing::new([0u8; 32]);
        let len = std::ffi::c_int::try_from(passphrase.len()).ok()?;
        // SAFETY: every pointer is valid for the length given with it; the
        // output buffer holds exactly `keylen` bytes.
        let ok = unsafe {
            PKCS5_PBKDF2_HMAC(
                passphrase.as_ptr().cast(),
                len,
                salt.as_ptr(),
                SALT_LEN as std::ffi::c_int,
                KDF_ITERATIONS as std::ffi::c_int,
                EVP_sha512(),
                32,
                key.as_mut_ptr(),
            )
        };
        (ok == 1).then(|| Derived { key: Arc::new(key) })
    }

    pub(super) fn material(&self) -> Zeroizing<String> {
        raw_material(&self.key[..])
    }
}
