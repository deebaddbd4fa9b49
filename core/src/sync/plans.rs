//! Interview plans over the team server (`POST /v1/plans`, `GET
//! /v1/plans`): a lead's or admin's own plans pushed, the plans this user is
//! in or coordinates pulled and imported one by one (docs/sync-protocol.md,
//! "Interview plans").

use super::*;

/// Pushes the plans made here that name this user as coordinator (or no
/// one: the server records the pusher). The server answers `unchanged` for
/// a plan it holds as is; one it refuses is reported and the sync goes on.
pub(super) fn push_plans(
    store: &mut Store,
    remote: &Remote,
    user: &str,
    report: &mut SyncReport,
) -> Result<()> {
    for (id, coordinator) in store.own_plans()? {
        if coordinator
            .as_deref()
            .is_some_and(|c| !same_person(c, user))
        {
            continue;
        }
        let file = store.plan_file(id)?;
        let r: Result<PlanPushResult, Failure> = remote.call(
            remote.agent.post(&format!("{}/v1/plans", remote.url)),
            Some(file.to_json().as_bytes()),
        );
        match r {
            Ok(p) if p.result == PushOutcome::Stored => report.plans.push(format!(
                "plan {id} for {}: pushed",
                file.plan.candidate.name
            )),
            Ok(_) => {}
            // An older server without plans.
            Err(Failure::Api { status: 404, .. }) => return Ok(()),
            Err(Failure::Transport(_, e)) => {
                return Err(Error::Io(format!(
                    "cannot reach the team server {}: {e}",
                    remote.url
                )))
            }
            Err(f) => report.failures.push(format!(
                "plan {id} ({}): {}",
                file.plan.candidate.name,
                f.into_error(&remote.url)
            )),
        }
    }
    Ok(())
}

/// Imports the plans the server holds for this user (as a member or their
/// coordinator) that changed since the last sync, each on its own through
/// `Store::import_documents` (as `panelist import` takes a plan file). A
/// plan this database refuses is reported; the cursor advances.
pub(super) fn pull_plans(
    store: &mut Store,
    remote: &Remote,
    report: &mut SyncReport,
    from_start: bool,
) -> Result<()> {
    let mut after: i64 = if from_start {
        0
    } else {
        store
            .setting(PLANS_CURSOR_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    loop {
        let page: Plans = match remote.get(&PlansQuery { after: Some(after) }.path()) {
            Ok(p) => p,
            Err(Failure::Api { status: 404, .. }) => return Ok(()),
            Err(f) => return Err(f.into_error(&remote.url)),
        };
        for value in &page.plans {
            let parsed = crate::plan::PlanFile::parse(value.get().as_bytes());
            // A candidate erased here (or by the server) never comes back:
            // an older plan of theirs is dropped, as an older session is.
            if let Ok(f) = &parsed {
                if store
                    .erased_at(&f.plan.candidate.name)?
                    .is_some_and(|at| f.plan.created_at <= at)
                {
                    report.erased_dropped += 1;
                    continue;
                }
            }
            let outcome = parsed.and_then(|f| {
                let opts = ImportOptions {
                    clash: CandidateClash::Ask,
                    new_candidate_id: crate::ids::CandidateId::nil(),
                    accept_new_key: f
                        .plan
                        .coordinator
                        .as_deref()
                        .is_some_and(|c| vouched(&page.keys, c, &f.signature.public_key)),
                };
                store
                    .import_documents(std::slice::from_ref(&f), &[], &opts)
                    .map(|(r, _)| (f, r))
            });
            match outcome {
                Ok((f, results)) => {
                    for r in results {
                        if r.what == "added" || r.what == "updated" {
                            report.plans.push(format!(
                                "plan {} for {}: {}",
                                f.plan.id, r.candidate, r.what
                            ));
                        }
                    }
                }
                Err(e)
                    if matches!(
                        e.code(),
                        ErrorCode::Database | ErrorCode::Io | ErrorCode::Internal
                    ) =>
                {
                    return Err(e)
                }
                Err(e) => report
                    .failures
                    .push(format!("a pulled plan was not imported: {e}")),
            }
        }
        let moved = page.cursor > after;
        after = page.cursor.max(after);
        store.set_setting(PLANS_CURSOR_KEY, &after.to_string())?;
        if !moved || page.plans.is_empty() {
            return Ok(());
        }
    }
}
