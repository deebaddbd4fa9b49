//! `panelist bank …` and `panelist kit …`: the question bank and kits.

use std::path::PathBuf;

use clap::Subcommand;
use panelist_core::bank::KitSummary;
use panelist_core::Result;
use uuid::Uuid;

use crate::io::{json, open, out, status, DbArg};

#[derive(Subcommand)]
pub enum BankCmd {
    /// List the questions in the bank
    List {
        #[arg(long)]
        json: bool,
    },
    /// Import a bank file (all or nothing); changed questions get a new revision
    Import { file: PathBuf },
    /// Export the whole bank as a bank file
    Export { file: PathBuf },
    /// Show one question in full (current revision, or --revision N)
    Show {
        id: String,
        /// An earlier revision (1 is the first)
        #[arg(long)]
        revision: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// What changed between a question's revisions, field by field
    History {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Retire a question: hidden from pickers, kept for past sessions
    Retire {
        id: String,
        /// Bring a retired question back
        #[arg(long)]
        undo: bool,
    },
    /// Publish this database's whole bank and kits as the team bank on the
    /// team server (admins); every client's next sync imports it
    Publish,
}

#[derive(Subcommand)]
pub enum KitCmd {
    /// List kits with their time budgets
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create an own kit from questions (the name must be new)
    Create {
        #[arg(allow_hyphen_values = true)]
        name: String,
        /// Comma-separated question ids, in order
        #[arg(long, value_delimiter = ',', required = true)]
        questions: Vec<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Rename an own kit
    Rename {
        kit: String,
        #[arg(allow_hyphen_values = true)]
        name: String,
    },
    /// Set an own kit's questions (to reorder, add or remove)
    Reorder {
        kit: String,
        /// Comma-separated question ids, in the new order
        #[arg(long, value_delimiter = ',', required = true)]
        questions: Vec<String>,
    },
    /// Delete an own kit (sessions keep its name)
    Delete { kit: String },
    /// Copy any kit, built-in ones too, as a new own kit
    Duplicate {
        kit: String,
        #[arg(allow_hyphen_values = true)]
        name: String,
    },
}

pub fn bank(cmd: BankCmd, db: &DbArg) -> Result<()> {
    match cmd {
        BankCmd::List { json: as_json } => {
            let store = open(db)?;
            let qs = store.questions()?;
            if as_json {
                return out(&json(&qs));
            }
            let mut s = String::new();
            for q in &qs {
                s.push_str(&format!(
                    "{:<32} {:<13} {:<6} {:<11} {:>3} min  {}\n",
                    q.id,
                    q.competency,
                    q.seniority.as_str(),
                    q.kind.as_str(),
                    q.minutes,
                    q.prompt
                ));
            }
            s.push_str(&format!("{} questions\n", qs.len()));
            out(&s)
        }
        BankCmd::Import { file } => {
            let bytes = panelist_core::files::read(&file)?;
            let mut store = open(db)?;
            let r = store.import_bank_bytes(&bytes)?;
            out(&format!(
                "imported {}: {} questions added, {} updated (new revisions), {} unchanged, {} competencies, {} kits\n",
                file.display(),
                r.questions_added,
                r.questions_updated,
                r.questions_unchanged,
                r.competencies,
                r.kits
            ))
        }
        BankCmd::Export { file } => {
            let store = open(db)?;
            let bank = store.export_bank()?;
            panelist_core::files::write_atomic(&file, json(&bank).as_bytes())?;
            status!(
                "wrote {} questions to {}",
                bank.questions.len(),
                file.display()
            );
            Ok(())
        }
        BankCmd::Show {
            id,
            revision,
            json: as_json,
        } => {
            let store = open(db)?;
            let head = store.bank_question(&id)?;
            let (question, number) = match revision {
                Some(n) => (store.question_revision(&id, n)?.question, n),
                None => (head.question.clone(), head.revision),
            };
            if as_json {
                return out(&json(&serde_json::json!({
                    "question": question,
                    "revision": number,
                    "current_revision": head.revision,
                    "retired": head.retired,
                    "kits": head.kits,
                })));
            }
            out(&show_question(&question, number, &head))
        }
        BankCmd::History { id, json: as_json } => {
            let store = open(db)?;
            let history = store.question_history(&id)?;
            if as_json {
                return out(&json(&history));
            }
            let mut s = String::new();
            for r in &history {
                let when = if r.created_at.is_empty() {
                    "built in or before revisions were kept"
                } else {
                    r.created_at.as_str()
                };
                s.push_str(&format!("revision {} ({when})\n", r.revision));
                if r.revision == 1 {
                    s.push_str("  first revision\n");
                }
                for c in &r.changes {
                    match (&c.before, &c.after) {
                        (Some(b), Some(a)) => {
                            s.push_str(&format!("  {}:\n    - {b}\n    + {a}\n", c.field))
                        }
                        (None, Some(a)) => {
                            s.push_str(&format!("  {} added:\n    + {a}\n", c.field))
                        }
                        (Some(b), None) => {
                            s.push_str(&format!("  {} removed:\n    - {b}\n", c.field))
                        }
                        (None, None) => {}
                    }
                }
            }
            out(&s)
        }
        BankCmd::Retire { id, undo } => {
            let mut store = open(db)?;
            store.set_question_retired(&id, !undo)?;
            status!("{} {id}", if undo { "brought back" } else { "retired" });
            Ok(())
        }
        BankCmd::Publish => crate::remote::publish_bank(&mut open(db)?),
    }
}

pub fn kit(cmd: KitCmd, db: &DbArg) -> Result<()> {
    match cmd {
        KitCmd::Create {
            name,
            questions,
            description,
        } => {
            let mut store = open(db)?;
            let kit =
                store.save_kit_as(&name, &description, &questions, false, &new_kit_id(&name))?;
            out(&format!("{}\n", kit.id))
        }
        KitCmd::Rename { kit, name } => {
            let mut store = open(db)?;
            let id = store.kit(&kit)?.id;
            store.rename_kit(&id, &name)?;
            status!("renamed kit {id} to {:?}", name.trim());
            Ok(())
        }
        KitCmd::Reorder { kit, questions } => {
            let mut store = open(db)?;
            let id = store.kit(&kit)?.id;
            store.set_kit_questions(&id, &questions)?;
            status!("kit {id} now has {} questions", questions.len());
            Ok(())
        }
        KitCmd::Delete { kit } => {
            let mut store = open(db)?;
            let id = store.kit(&kit)?.id;
            store.delete_kit(&id)?;
            status!("deleted kit {id}");
            Ok(())
        }
        KitCmd::Duplicate { kit, name } => {
            let mut store = open(db)?;
            let id = store.kit(&kit)?.id;
            let copy = store.duplicate_kit(&id, &name, &new_kit_id(&name))?;
            out(&format!("{}\n", copy.id))
        }
        KitCmd::List { json: as_json } => {
            let store = open(db)?;
            let kits = store.kits()?;
            if as_json {
                return out(&json(&kits));
            }
            let s: String = kits
                .iter()
                .map(|k: &KitSummary| {
                    format!(
                        "{:<24} {:>3} min  {:>2} questions  {}\n",
                        k.id,
                        k.minutes,
                        k.questions.len(),
                        k.name
                    )
                })
                .collect();
            out(&s)
        }
    }
}

/// A kit id made from its name (`bank::kit_id_for`), with a fresh id for a
/// name that has no ASCII letters or digits.
fn new_kit_id(name: &str) -> String {
    panelist_core::bank::kit_id_for(name, Uuid::now_v7())
}

/// A question in full, as `bank show` prints it.
fn show_question(
    q: &panelist_core::bank::Question,
    revision: u32,
    head: &panelist_core::bank::BankQuestion,
) -> String {
    let mut s = format!("{} · revision {revision}", q.id);
    if revision != head.revision {
        s.push_str(&format!(" (current: {})", head.revision));
    }
    if head.retired {
        s.push_str(" · retired");
    }
    s.push_str(&format!(
        "\n{}\n\ncompetency: {}\nseniority: {}\nkind: {}\ntime: {} min\n\nrubric:\n",
        q.prompt,
        q.competency,
        q.seniority.as_str(),
        q.kind.as_str(),
        q.minutes
    ));
    for l in &q.rubric.levels {
        s.push_str(&format!("  {} {}: {}\n", l.value, l.label, l.anchor));
    }
    let list = |s: &mut String, title: &str, items: &[String]| {
        s.push_str(&format!("\n{title}:\n"));
        if items.is_empty() {
            s.push_str("  (none)\n");
        }
        for (i, item) in items.iter().enumerate() {
            s.push_str(&format!("  {}. {item}\n", i + 1));
        }
    };
    list(&mut s, "look-fors", &q.look_fors);
    list(&mut s, "follow-ups", &q.follow_ups);
    list(&mut s, "sources", &q.sources);
    list(&mut s, "kits", &head.kits);
    s
}
