//! The session list: a filter made into fixed SQL conditions with bound
//! parameters, and a page of summaries (sealed ones blanked).

use super::*;

/// The WHERE conditions and parameters of a session filter.
fn filter_sql(filter: &SessionFilter) -> (String, Vec<String>) {
    let mut conds: Vec<&str> = Vec::new();
    let mut params: Vec<String> = Vec::new();
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    if let Some(c) = nonempty(&filter.candidate) {
        conds.push("c.name_key = ?");
        params.push(text::name_key(&c));
    }
    if let Some(i) = nonempty(&filter.interviewer) {
        conds.push("s.interviewer = ? COLLATE NOCASE");
        params.push(i);
    }
    if let Some(r) = nonempty(&filter.role) {
        conds.push("s.role = ? COLLATE NOCASE");
        params.push(r);
    }
    if let Some(status) = filter.status {
        conds.push("s.status = ?");
        params.push(status.as_str().to_string());
    }
    if let Some(from) = filter.from {
        conds.push("s.created_at >= ?");
        params.push(ts(from));
    }
    if let Some(to) = filter.to {
        conds.push("s.created_at < ?");
        params.push(ts(to));
    }
    if let Some(t) = filter.text.as_deref() {
        let words = text::words(t);
        if words.is_empty() && !t.trim().is_empty() {
            // Only punctuation: nothing can match it.
            conds.push("0");
        }
        for w in words {
            conds.push("s.id IN (SELECT session_id FROM search_word WHERE word >= ? AND word < ?)");
            params.push(w.clone());
            params.push(format!("{w}\u{10ffff}"));
        }
    }
    let sql = if conds.is_empty() {
        "1".to_string()
    } else {
        conds.join(" AND ")
    };
    (sql, params)
}

impl Store {
    /// Every session matching the filter, newest first.
    pub fn sessions(&self, filter: &SessionFilter) -> Result<Vec<SessionSummary>> {
        Ok(self.session_page(filter, 0, u64::MAX)?.rows)
    }

    /// One page of the sessions matching the filter, newest first, with the
    /// number of matching sessions.
    pub fn session_page(
        &self,
        filter: &SessionFilter,
        offset: u64,
        limit: u64,
    ) -> Result<SessionPage> {
        let (cond, args) = filter_sql(filter);
        let total: i64 = self
            .conn
            .prepare_cached(&PAGE_TOTAL.replace("{filter}", &cond))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        let lim = i64::try_from(limit).unwrap_or(i64::MAX);
        let off = i64::try_from(offset).unwrap_or(i64::MAX);
        let sql = PAGE.replace("{filter}", &cond).replace("{sealed}", SEALED);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut bound: Vec<&dyn rusqlite::ToSql> =
            args.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
        bound.push(&lim);
        bound.push(&off);
        let mut rows: Vec<SessionSummary> = stmt
            .query_map(bound.as_slice(), |r| {
                Ok(SessionSummary {
                    id: r.get("id")?,
                    candidate: r.get("candidate")?,
                    interviewer: r.get("interviewer")?,
                    role: r.get("role")?,
                    kit: r.get("kit_name")?,
                    status: Some(r.get("status")?),
                    created_at: r.get::<_, Ts>("created_at")?.0,
                    started_at: opt_ts(r.get("started_at")?),
                    finished_at: opt_ts(r.get("finished_at")?),
                    questions: Some(r.get("questions")?),
                    scored: Some(r.get("scored")?),
                    recommendation: r.get("recommendation")?,
                    imported: r.get("imported")?,
                    sealed: r.get("sealed")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        for row in rows.iter_mut().filter(|r| r.sealed) {
            crate::seal::blank_summary(row);
        }
        Ok(SessionPage {
            rows,
            total: total as u64,
            offset,
            limit,
        })
    }
}
