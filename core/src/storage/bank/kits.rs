//! Kits in the local database: own kits created, renamed, reordered,
//! duplicated and deleted; built-in kits read-only; names unique by the
//! identity key, former names remembered (a renamed kit keeps its
//! interviews).

use super::*;

impl Store {
    /// Saves a kit by id, creating it or replacing an own kit's name,
    /// description and questions. Built-in kits cannot be changed, and no
    /// two kits share a name.
    pub fn save_kit(&mut self, kit: &Kit) -> Result<()> {
        self.check_kit(kit)?;
        if let Some((_, _, true)) = self.kit_head(&kit.id)? {
            return Err(builtin_refused(&kit.id));
        }
        self.write(|tx| store_kit(tx, kit))
    }

    /// "Save as kit": saves `questions` under `name`. A new name makes a new
    /// kit (its id `new_id`, made unique); the name of an own kit replaces
    /// that kit's questions only when `replace` is set (otherwise a
    /// `conflict` error asks); the name of a built-in kit is refused.
    pub fn save_kit_as(
        &mut self,
        name: &str,
        description: &str,
        questions: &[String],
        replace: bool,
        new_id: &str,
    ) -> Result<Kit> {
        let name = name.trim();
        let existing = kit_by_name(&self.conn, name)?;
        let kit = match existing {
            Some((_, true)) => {
                return Err(Error::Locked(format!(
                    "{name:?} is a built-in kit and cannot be replaced; choose another name (built-in kits can be duplicated)"
                )))
            }
            Some((_, false)) if !replace => {
                return Err(Error::Conflict(format!(
                    "a kit named {name:?} already exists; replace it?"
                )))
            }
            Some((id, false)) => Kit {
                id,
                name: name.to_string(),
                description: description.trim().to_string(),
                questions: questions.to_vec(),
            },
            None => Kit {
                id: self.free_kit_id(new_id)?,
                name: name.to_string(),
                description: description.trim().to_string(),
                questions: questions.to_vec(),
            },
        };
        self.check_kit(&kit)?;
        self.write(|tx| store_kit(tx, &kit))?;
        Ok(kit)
    }

    /// Renames an own kit. Sessions keep the kit name they were started with.
    pub fn rename_kit(&mut self, id: &str, name: &str) -> Result<()> {
        let name = name.trim();
        self.own_kit(id)?;
        if text::name_key(name).is_empty() {
            return Err(Error::invalid("name: a kit needs a name"));
        }
        crate::session::field("name", crate::validate::name(name))?;
        self.check_name_free(name, id)?;
        self.write(|tx| {
            remember_former_name(tx, id, name)?;
            tx.execute(RENAME_KIT, params![id, name])?;
            Ok(())
        })
    }

    /// Replaces an own kit's questions (to reorder, add or remove).
    pub fn set_kit_questions(&mut self, id: &str, questions: &[String]) -> Result<()> {
        let mut kit = self.kit(id)?;
        if kit.id != id {
            return Err(Error::NotFound(format!("no kit with id {id:?}")));
        }
        self.own_kit(id)?;
        kit.questions = questions.to_vec();
        self.check_kit(&kit)?;
        self.write(|tx| store_kit(tx, &kit))
    }

    /// Deletes an own kit. Sessions started from it keep its name.
    pub fn delete_kit(&mut self, id: &str) -> Result<()> {
        self.own_kit(id)?;
        self.write(|tx| {
            tx.execute(DELETE_KIT, [id])?;
            Ok(())
        })
    }

    /// Copies any kit (built-in ones too) as a new own kit named `name`.
    pub fn duplicate_kit(&mut self, id: &str, name: &str, new_id: &str) -> Result<Kit> {
        let from = self.kit(id)?;
        if from.id != id {
            return Err(Error::NotFound(format!("no kit with id {id:?}")));
        }
        let kit = Kit {
            id: self.free_kit_id(new_id)?,
            name: name.trim().to_string(),
            description: from.description,
            questions: from.questions,
        };
        self.check_kit(&kit)?;
        self.write(|tx| store_kit(tx, &kit))?;
        Ok(kit)
    }

    fn kit_head(&self, id: &str) -> Result<Option<(String, String, bool)>> {
        Ok(self
            .conn
            .query_row(KIT_HEAD, [id], |r| {
                Ok((r.get("id")?, r.get("name")?, r.get("builtin")?))
            })
            .optional()?)
    }

    fn own_kit(&self, id: &str) -> Result<()> {
        match self.kit_head(id)? {
            None => Err(Error::NotFound(format!("no kit with id {id:?}"))),
            Some((_, _, true)) => Err(builtin_refused(id)),
            Some(_) => Ok(()),
        }
    }

    fn free_kit_id(&self, wanted: &str) -> Result<String> {
        let mut id = wanted.to_string();
        let mut n = 2;
        while self
            .conn
            .query_row(KIT_ID_TAKEN, [&id], |r| r.get::<_, bool>(0))?
        {
            id = format!("{wanted}-{n}");
            n += 1;
        }
        Ok(id)
    }

    /// No other kit has this name, or had it, by identity key: "Backend
    /// fundamentals" with two spaces, another case or an invisible character
    /// is the built-in kit's name.
    fn check_name_free(&self, name: &str, own_id: &str) -> Result<()> {
        let existing = kit_by_name(&self.conn, name)?;
        match existing {
            Some((other, _)) if other != own_id => {
                return Err(Error::Conflict(format!(
                    "name: a kit named {name:?} already exists"
                )))
            }
            _ => {}
        }
        // A renamed kit still compares the interviews made under its former
        // names, so no other kit may take one.
        let former = former_name_owner(&self.conn, name)?;
        match former {
            Some((other, now)) if other != own_id => Err(Error::Conflict(format!(
                "name: {name:?} is the former name of kit {now:?}, which still compares the interviews made under it; choose another name"
            ))),
            _ => Ok(()),
        }
    }

    fn check_kit(&self, kit: &Kit) -> Result<()> {
        if !bank::is_slug(&kit.id) {
            return Err(Error::invalid(format!(
                "{:?} is not a valid kit id",
                kit.id
            )));
        }
        if text::name_key(&kit.name).is_empty() {
            return Err(Error::invalid("name: a kit needs a name"));
        }
        bank::check_kit_fields(kit).map_err(|(f, m)| Error::invalid(format!("{f}: {m}")))?;
        self.check_name_free(kit.name.trim(), &kit.id)?;
        if kit.questions.is_empty() {
            return Err(Error::invalid(
                "questions: a kit needs at least one question",
            ));
        }
        let known = self.known_ids()?;
        let mut seen = BTreeSet::new();
        for (i, q) in kit.questions.iter().enumerate() {
            if !known.questions.contains(q) {
                return Err(Error::NotFound(format!(
                    "no question with id {q:?} in the bank"
                )));
            }
            if !seen.insert(q) {
                return Err(Error::invalid(format!(
                    "questions[{i}]: question {q:?} is listed twice"
                )));
            }
        }
        Ok(())
    }
}

/// The kit (id, built in) whose current name has the identity key of
/// `name`; a built-in kit first.
pub(super) fn kit_by_name(conn: &Connection, name: &str) -> Result<Option<(String, bool)>> {
    first_with_name_key(conn, KIT_NAMES, "name", name, |r| {
        Ok((r.get("id")?, r.get("builtin")?))
    })
}

/// The kit (id, current name) that once had a name with the identity key
/// of `name`.
pub(super) fn former_name_owner(conn: &Connection, name: &str) -> Result<Option<(String, String)>> {
    first_with_name_key(conn, FORMER_NAMES, "former", name, |r| {
        Ok((r.get("id")?, r.get("name")?))
    })
}

/// The first row of `sql` whose column `column` has the identity key
/// (`text::name_key`) of `name`, read by `read`.
fn first_with_name_key<T>(
    conn: &Connection,
    sql: &str,
    column: &str,
    name: &str,
    read: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    let key = text::name_key(name);
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if text::name_key(&r.get::<_, String>(column)?) == key {
            return Ok(Some(read(r)?));
        }
    }
    Ok(None)
}

pub(super) fn builtin_refused(id: &str) -> Error {
    Error::Locked(format!(
        "kit {id:?} is built in and cannot be changed, renamed or deleted; duplicate it to make your own"
    ))
}
