//! The Markdown report of `exportCase`: the case and everything it holds,
//! for a person to read or print. Ids are shown as the API shows them.

use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::http::actor::ActorId;
use crate::http::wire::{Prefixed, WireId};
use crate::ids::AccountId;
use crate::services::export::CaseExport;
use crate::services::kernel::ActorKind;
use crate::services::tasks::TaskStatus;

/// The report of `export`.
pub fn render(export: &CaseExport) -> String {
    let mut out = String::new();
    header(&mut out, export);
    section(&mut out, "Description");
    let description = export.case.description.trim();
    out.push_str(if description.is_empty() { "_No description._" } else { description });
    out.push_str("\n\n");
    tasks(&mut out, export);
    observables(&mut out, export);
    comments(&mut out, export);
    links(&mut out, export);
    attachments(&mut out, export);
    trail(&mut out, export);
    out
}

fn header(out: &mut String, export: &CaseExport) {
    let case = &export.case;
    let _ = writeln!(out, "# CASE-{}: {}\n", case.number, cell(&case.summary));
    out.push_str("| Field | Value |\n|---|---|\n");
    let mut row = |field: &str, value: String| {
        let _ = writeln!(out, "| {field} | {} |", cell(&value));
    };
    row("Id", id(case.id));
    row("Status", case.status.as_str().to_owned());
    row("Priority", case.priority.as_str().to_owned());
    row("Severity", case.severity.as_str().to_owned());
    row("Assignee", case.assignee_id.map_or_else(|| "none".to_owned(), id));
    row("Tags", if case.tags.is_empty() { "none".to_owned() } else { case.tags.join(", ") });
    row("Opened", format!("{} by {}", time(case.created_at), actor(case.created_by, case.created_by_kind)));
    row("Last changed", time(case.updated_at));
    for (field, at) in [("Resolved", case.resolved_at), ("Closed", case.closed_at), ("Due", case.due_at)] {
        if let Some(at) = at {
            row(field, time(at));
        }
    }
    if let Some(into) = case.merged_into {
        row("Merged into", id(into));
    }
    for (key, value) in &case.custom_fields {
        row(&format!("Custom field `{key}`"), value.to_string());
    }
    row("Exported", time(export.exported_at));
    out.push('\n');
}

fn tasks(out: &mut String, export: &CaseExport) {
    section(out, &format!("Tasks ({})", export.tasks.len()));
    for task in &export.tasks {
        let done = if task.status == TaskStatus::Done { "x" } else { " " };
        let _ = write!(out, "- [{done}] {} ({}", cell(&task.title), task.status.as_str());
        if let Some(assignee) = task.assignee_id {
            let _ = write!(out, ", assigned to {}", id(assignee));
        }
        if let Some(due) = task.due_at {
            let _ = write!(out, ", due {}", time(due));
        }
        out.push_str(")\n");
    }
    out.push('\n');
}

fn observables(out: &mut String, export: &CaseExport) {
    section(out, &format!("Observables ({})", export.observables.len()));
    if export.observables.is_empty() {
        return;
    }
    out.push_str(
        "| Type | Value | TLP | IOC | Sighted | Tags | Other cases |\n|---|---|---|---|---|---|---|\n",
    );
    for found in &export.observables {
        let o = &found.observable;
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} | {} | {} |",
            o.kind.as_str(),
            cell(&o.value).replace('`', "'"),
            o.tlp.as_str(),
            yes_no(o.is_ioc),
            yes_no(o.sighted),
            cell(&o.tags.join(", ")),
            found.other_cases
        );
    }
    out.push('\n');
}

fn comments(out: &mut String, export: &CaseExport) {
    section(out, &format!("Comments ({})", export.comments.len()));
    for comment in &export.comments {
        let _ = writeln!(
            out,
            "### {} — {}\n",
            actor(comment.author_id, comment.author_kind),
            time(comment.created_at)
        );
        out.push_str(comment.body.trim());
        out.push_str("\n\n");
    }
}

fn links(out: &mut String, export: &CaseExport) {
    section(out, &format!("Links ({})", export.links.len()));
    for link in &export.links {
        let other = &link.linked_case;
        let _ = writeln!(
            out,
            "- {} CASE-{}: {} ({})",
            link.kind.as_str(),
            other.number,
            cell(&other.summary),
            other.status.as_str()
        );
    }
    out.push('\n');
}

fn attachments(out: &mut String, export: &CaseExport) {
    section(out, &format!("Attachments ({})", export.attachments.len()));
    if export.attachments.is_empty() {
        return;
    }
    out.push_str("| File | Type | Bytes | SHA-256 | Uploaded |\n|---|---|---|---|---|\n");
    for file in &export.attachments {
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` | {} by {} |",
            cell(&file.file_name),
            cell(&file.media_type),
            file.size,
            file.sha256,
            time(file.created_at),
            actor(file.uploaded_by, file.uploaded_by_kind)
        );
    }
    out.push('\n');
}

fn trail(out: &mut String, export: &CaseExport) {
    section(out, &format!("Audit trail ({})", export.events.len()));
    for event in &export.events {
        let data = match &event.data {
            serde_json::Value::Object(fields) if fields.is_empty() => String::new(),
            data => format!(": `{}`", data.to_string().replace('`', "'")),
        };
        let who = actor(event.actor_id, event.actor_kind);
        let _ = writeln!(out, "- {} {who} {}{data}", time(event.created_at), event.kind.as_str());
    }
}

fn section(out: &mut String, title: &str) {
    let _ = writeln!(out, "## {title}\n");
}

/// Text that stays inside one table cell or line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn id<I: Prefixed>(id: I) -> String {
    WireId::new(id).to_string()
}

fn actor(id: AccountId, kind: ActorKind) -> String {
    ActorId::new(id, kind).render()
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "yes" } else { "no" }
}
