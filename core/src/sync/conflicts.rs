//! Own sessions that come back from the team server different from the
//! copy here (docs/sync-protocol.md, "Conflicts: who owns a session").
//!
//! A session belongs to the installation whose key signs it. Another
//! installation of the same user receives it from the server read-only,
//! like a colleague's. Two own copies of one session exist only where a
//! database was copied or restored from a backup (a backup carries the
//! key): then the server's copy is the one of record, the one every reader
//! has, and a differing copy here is a conflict. The sync keeps the
//! server's copy beside the local one (`Store::keep_server_copy`) and lists
//! the conflict; the user resolves it by taking the server's copy
//! (`Store::take_server_copy`, `panelist sync resolve ID --take-server`,
//! the Team screen), which erases the local copy through the erasure path.

use chrono::{DateTime, Utc};

use super::vouched;
use crate::session_file::SessionFile;
use crate::storage::ServerCopy;
use crate::wire::InstallationKey;
use crate::{Result, Store};

/// An own session pulled from the server: nothing to do when the server's
/// copy is this one; kept aside as a conflict when it is newer, or holds
/// other content at the same revision, or this revision was refused (409).
/// A server copy older than the one here just waits for this one's push.
pub(super) fn pulled_own(
    store: &mut Store,
    file: &SessionFile,
    text: &str,
    keys: &[InstallationKey],
    now: &impl Fn() -> DateTime<Utc>,
) -> Result<()> {
    let id = file.session.id;
    let local = store.session_file(id)?;
    if local.content_hash == file.content_hash {
        return store.forget_server_copy(id);
    }
    let (server, here) = (file.session.revision, local.session.revision);
    if server >= here || store.push_conflict(id)?.is_some() {
        let vouched = file
            .signature
            .as_ref()
            .is_some_and(|sig| vouched(keys, &file.session.interviewer, &sig.public_key));
        store.keep_server_copy(
            &ServerCopy {
                id,
                revision: server,
                content_hash: &file.content_hash,
                vouched,
                file: text,
            },
            now(),
        )?;
    }
    Ok(())
}
