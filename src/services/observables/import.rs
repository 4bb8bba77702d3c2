//! Reading an imported list of observables: a CSV with a header row, or
//! plain text with one value per line, as analysts paste them from their
//! tools. Each row becomes one batch item (valid, or its own errors) with
//! the line it came from; only what makes the whole text unreadable (no
//! `value` column, no type, too many rows) refuses the import.

use serde::Serialize;

use super::batch::{BatchAnswer, BatchItem, MAX_BATCH_ITEMS};
use super::{NewObservable, ObservableService, ObservableType, RawNewObservable, Source, Tlp};
use crate::ids::{CaseId, WorkspaceId};
use crate::services::idempotency::Claim;
use crate::services::kernel::{Actor, Failure};
use crate::services::validation::ValidationErrors;

/// How an import's text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ImportFormat {
    /// CSV (RFC 4180) whose first row names the columns.
    Csv,
    /// One value per line; blank lines and lines starting with `#` skipped.
    Lines,
}

/// What applies to every row that does not say otherwise.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportDefaults {
    /// The type of rows without one (required for plain lines).
    pub kind: Option<ObservableType>,
    /// The TLP of rows without one.
    pub tlp: Option<Tlp>,
    /// The IOC mark of rows without one.
    pub is_ioc: Option<bool>,
}

/// An import as received: its text, its layout and the defaults.
#[derive(Debug, Clone, Serialize)]
pub struct ObservableImport {
    /// The layout of `text`.
    pub format: ImportFormat,
    /// The text, as sent.
    pub text: String,
    /// Values for rows that give none.
    pub defaults: ImportDefaults,
}

/// One row read: the line it starts on (from 1) and the item it makes.
pub type ImportRow = (u32, BatchItem);

/// The columns a CSV import reads; any other column is ignored.
const COLUMNS: [&str; 7] = ["type", "value", "description", "tlp", "is_ioc", "sighted", "tags"];

impl ObservableImport {
    /// Reads every row into a batch item, or says why the text as a whole
    /// cannot be imported.
    pub fn rows(&self) -> Result<Vec<ImportRow>, ValidationErrors> {
        if self.format == ImportFormat::Lines && self.defaults.kind.is_none() {
            return Err(ValidationErrors::single("type", "is required to import plain lines of values"));
        }
        let rows = match self.format {
            ImportFormat::Csv => self.csv_rows()?,
            ImportFormat::Lines => self.line_rows(),
        };
        match rows.len() {
            0 => Err(ValidationErrors::single("body", "holds no values to import")),
            n if n > MAX_BATCH_ITEMS => Err(ValidationErrors::single(
                "body",
                format!(
                    "holds more than {MAX_BATCH_ITEMS} values; import at most {MAX_BATCH_ITEMS} at a time"
                ),
            )),
            _ => Ok(rows),
        }
    }

    fn line_rows(&self) -> Vec<ImportRow> {
        (1..)
            .zip(self.text.lines())
            .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
            .map(|(at, line)| (at, self.item(Cells { value: line, ..Cells::default() })))
            .collect()
    }

    fn csv_rows(&self) -> Result<Vec<ImportRow>, ValidationErrors> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(self.text.as_bytes());
        let header = reader.headers().map_err(unreadable)?.clone();
        let column = |name: &str| header.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let [kind, value, description, tlp, is_ioc, sighted, tags] = COLUMNS.map(column);
        let Some(value) = value else {
            let message = format!(
                "must start with a header row naming the columns: `value` and any of {}",
                COLUMNS
                    .iter()
                    .filter(|c| **c != "value")
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            return Err(ValidationErrors::single("body", message));
        };
        if kind.is_none() && self.defaults.kind.is_none() {
            return Err(ValidationErrors::single("type", "is required when the CSV has no `type` column"));
        }
        let mut rows = Vec::new();
        // Lines are counted on from the previous row, not from the top.
        let bytes = self.text.as_bytes();
        let (mut counted_to, mut line_ends) = (0usize, 0u32);
        for record in reader.records() {
            let record = record.map_err(unreadable)?;
            let cell = |at: Option<usize>| at.and_then(|at| record.get(at)).unwrap_or("");
            // The reader places a record's start before the line end that
            // precedes it (and any blank lines): count from its first cell.
            let mut start = record.position().map_or(0, |p| p.byte() as usize).clamp(counted_to, bytes.len());
            while bytes.get(start).is_some_and(|b| *b == b'\r' || *b == b'\n') {
                start += 1;
            }
            line_ends += bytes[counted_to..start].iter().filter(|b| **b == b'\n').count() as u32;
            counted_to = start;
            let line = 1 + line_ends;
            let cells = Cells {
                kind: cell(kind),
                value: cell(Some(value)),
                description: cell(description),
                tlp: cell(tlp),
                is_ioc: cell(is_ioc),
                sighted: cell(sighted),
                tags: cell(tags),
            };
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((line, self.item(cells)));
            if rows.len() > MAX_BATCH_ITEMS {
                break;
            }
        }
        Ok(rows)
    }

    /// One row's cells as an item: an empty cell takes the default. A cell
    /// that names no known type, TLP or mark is reported under its column,
    /// beside whatever else is wrong with the row.
    fn item(&self, cells: Cells<'_>) -> BatchItem {
        let d = &self.defaults;
        let kind = choose(cells.kind, d.kind, |t| ObservableType::from_name(&t.to_ascii_lowercase()));
        let tlp = choose(cells.tlp, d.tlp, |t| Tlp::from_name(&t.to_ascii_lowercase()));
        let is_ioc = choose(cells.is_ioc, d.is_ioc, flag);
        let sighted = choose(cells.sighted, None, flag);
        let tags = cells.tags.split([';', '|']).map(str::trim).filter(|t| !t.is_empty());
        let parsed = NewObservable::try_from(RawNewObservable {
            kind: kind.ok().flatten(),
            value: cells.value.to_owned(),
            description: (!cells.description.is_empty()).then(|| cells.description.to_owned()),
            tlp: tlp.ok().flatten(),
            is_ioc: is_ioc.ok().flatten(),
            sighted: sighted.ok().flatten(),
            tags: Some(tags.map(str::to_owned).collect()),
            source: Some(Source::Import),
        });
        let unknown = [
            ("type", kind.is_err().then(|| one_of(ObservableType::ALL.iter().map(|t| t.as_str())))),
            ("tlp", tlp.is_err().then(|| one_of(Tlp::ALL.iter().map(|t| t.as_str())))),
            ("is_ioc", is_ioc.is_err().then(|| "must be true or false".to_owned())),
            ("sighted", sighted.is_err().then(|| "must be true or false".to_owned())),
        ];
        if unknown.iter().all(|(_, e)| e.is_none()) {
            return parsed;
        }
        let reported: Vec<&str> = unknown.iter().filter(|(_, e)| e.is_some()).map(|(f, _)| *f).collect();
        let others: Vec<(String, String)> = match &parsed {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .errors()
                .iter()
                .filter(|e| !reported.contains(&e.field.as_str()))
                .map(|e| (e.field.clone(), e.message.clone()))
                .collect(),
        };
        Err(ValidationErrors::collect(
            unknown.into_iter().chain(others.iter().map(|(f, m)| (f.as_str(), Some(m.clone())))),
        ))
    }
}

/// The cells of one row (empty when the column is absent).
#[derive(Default)]
struct Cells<'a> {
    kind: &'a str,
    value: &'a str,
    description: &'a str,
    tlp: &'a str,
    is_ioc: &'a str,
    sighted: &'a str,
    tags: &'a str,
}

/// The cell read by `parse`, or the default when the cell is empty;
/// `Err` when the cell holds something `parse` does not know.
fn choose<T>(cell: &str, default: Option<T>, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, ()> {
    match cell.trim() {
        "" => Ok(default),
        text => parse(text).map(Some).ok_or(()),
    }
}

/// `true`/`false` as spreadsheets write them.
fn flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "x" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

fn one_of<'a>(names: impl Iterator<Item = &'a str>) -> String {
    format!("must be one of {}", names.collect::<Vec<_>>().join(", "))
}

fn unreadable(err: csv::Error) -> ValidationErrors {
    ValidationErrors::single("body", format!("is not readable CSV: {err}"))
}

/// The answer of an import: one outcome per row, and the line each row
/// started on.
#[derive(Debug, Clone)]
pub struct ImportAnswer {
    /// The outcomes, in the rows' order.
    pub batch: BatchAnswer,
    /// The line (from 1) of each row, in the same order.
    pub lines: Vec<u32>,
}

impl ObservableService {
    /// Imports a list of observables into a case (editors and admins):
    /// each row is one item of a batch ([`ObservableService::add_many`]),
    /// with `source` `import`.
    pub async fn import(
        &self,
        caller: Actor,
        workspace: WorkspaceId,
        case: CaseId,
        import: &ObservableImport,
        claim: Option<Claim>,
    ) -> Result<ImportAnswer, Failure> {
        let (lines, items): (Vec<u32>, Vec<BatchItem>) = import.rows()?.into_iter().unzip();
        let batch = self.add_many(caller, workspace, case, items, claim).await?;
        Ok(ImportAnswer { batch, lines })
    }
}
