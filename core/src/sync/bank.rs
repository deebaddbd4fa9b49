//! The team bank over the team server (`GET /v1/bank`): a newer version
//! than the last one imported here is imported as a bank file
//! (docs/sync-protocol.md, "The team bank").

use super::*;

/// Imports the team bank if the server has a version newer than the last one
/// imported here. The import is the bank file import (all or nothing; a
/// changed question gets a new revision, sessions keep their snapshots); a
/// bank this machine refuses is reported and tried again next sync. A server
/// without a team bank (an older one: 404) is not an error.
pub(super) fn pull_bank(
    store: &mut Store,
    remote: &Remote,
    now: DateTime<Utc>,
    failures: &mut Vec<String>,
) -> Result<Option<BankPulled>> {
    let have: u64 = store
        .setting(BANK_VERSION_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let query = BankQuery {
        after: Some(i64::try_from(have).unwrap_or(i64::MAX)),
    };
    let team: TeamBank = match remote.get(&query.path()) {
        Ok(t) => t,
        Err(Failure::Api { status: 404, .. }) => return Ok(None),
        Err(f) => return Err(f.into_error(&remote.url)),
    };
    let Some(bank) = team.bank.filter(|_| team.version > have) else {
        return Ok(None);
    };
    let imported = crate::bank::parse_bank(bank.get().as_bytes())
        .and_then(|file| store.import_bank_at(&file, now));
    match imported {
        Ok(r) => {
            store.set_setting(BANK_VERSION_KEY, &team.version.to_string())?;
            Ok(Some(BankPulled {
                version: team.version,
                published_by: team.published_by.unwrap_or_default(),
                questions_added: r.questions_added,
                questions_updated: r.questions_updated,
                kits: r.kits,
            }))
        }
        Err(e) => {
            failures.push(format!(
                "team bank version {} was not imported: {e}",
                team.version
            ));
            Ok(None)
        }
    }
}
