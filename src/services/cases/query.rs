//! Parsing a client's case list request (filters, sort, page) into a valid query.

use chrono::{DateTime, Utc};

use super::{CaseStatus, Priority, Severity};
use crate::ids::AccountId;
use crate::platform::clock;
use crate::services::pagination::PageRequest;
use crate::services::search;
use crate::services::validation::ValidationErrors;
use crate::store::cases::{CaseFilter, Overdue, Position};

const QUERY_MAX_CHARS: usize = 200;

/// Who a list is restricted to by assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Unassigned cases.
    Nobody,
    /// Cases assigned to this account.
    Account(AccountId),
}

impl AssigneeFilter {
    /// The accounts `filters` name, and whether unassigned records are wanted too.
    pub fn split(filters: &[Self]) -> (Vec<AccountId>, bool) {
        let accounts = filters
            .iter()
            .filter_map(|a| match a {
                Self::Account(id) => Some(*id),
                Self::Nobody => None,
            })
            .collect();
        (accounts, filters.contains(&Self::Nobody))
    }
}

/// Overdue (or, with `overdue` false, not overdue) as of now, for records
/// whose finished statuses are `finished`.
pub fn overdue_now(overdue: bool, finished: &[&str]) -> Overdue {
    Overdue { overdue, now: clock::now(), finished: finished.iter().map(|s| (*s).to_owned()).collect() }
}

/// What a case list is sorted by (ties are broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseSort {
    /// Creation time.
    CreatedAt,
    /// Time of the last change.
    UpdatedAt,
    /// Priority rank.
    Priority,
    /// Severity rank.
    Severity,
    /// How well the case matches `q`, best first.
    Relevance,
}

/// Which way a list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    /// Smallest first.
    Asc,
    /// Largest first.
    Desc,
}

/// A valid list request: filters, sort and page.
#[derive(Debug, Clone)]
pub struct CaseQuery {
    /// What to include.
    pub filter: CaseFilter,
    /// Sort column.
    pub sort: CaseSort,
    /// Sort direction.
    pub direction: SortOrder,
    /// Which page.
    pub page: PageRequest<Position>,
    /// Custom field conditions, resolved by the service against the
    /// workspace's definitions into `filter.fields`.
    pub custom_fields: Vec<String>,
}

/// A list request as a client sends it, before any parameter is checked;
/// empty lists mean "no restriction".
#[derive(Debug, Clone, Default)]
pub struct RawCaseQuery {
    /// Any of these statuses.
    pub statuses: Vec<CaseStatus>,
    /// Any of these priorities.
    pub priorities: Vec<Priority>,
    /// Any of these severities.
    pub severities: Vec<Severity>,
    /// Assigned to any of these (or unassigned).
    pub assignees: Vec<AssigneeFilter>,
    /// Carrying any of these tags.
    pub tags: Vec<String>,
    /// Words to search for (see [`search::query`]).
    pub text: Option<String>,
    /// Created at or after.
    pub created_after: Option<DateTime<Utc>>,
    /// Created before.
    pub created_before: Option<DateTime<Utc>>,
    /// Changed (or created) at or after.
    pub updated_after: Option<DateTime<Utc>>,
    /// Only overdue (true) or only not overdue (false) cases.
    pub overdue: Option<bool>,
    /// Custom field conditions: `key=value`, `key>=value`, `key<value`...
    pub custom_fields: Vec<String>,
    /// Sort column.
    pub sort: Option<CaseSort>,
    /// Sort direction.
    pub direction: Option<SortOrder>,
    /// Items per page.
    pub limit: Option<u32>,
    /// Where the previous page ended.
    pub cursor: Option<String>,
}

/// Checks filters, sort and paging, reporting all invalid parameters.
impl TryFrom<RawCaseQuery> for CaseQuery {
    type Error = ValidationErrors;

    fn try_from(raw: RawCaseQuery) -> Result<Self, ValidationErrors> {
        let RawCaseQuery {
            statuses,
            priorities,
            severities,
            assignees,
            tags,
            text,
            created_after,
            created_before,
            updated_after,
            overdue,
            custom_fields,
            sort,
            direction,
            limit,
            cursor,
        } = raw;
        let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let (text, text_error) = match text {
            Some(t) if t.chars().count() > QUERY_MAX_CHARS => {
                (None, Some(format!("must be at most {QUERY_MAX_CHARS} characters")))
            }
            Some(t) => match search::query::parse(t) {
                Ok(text) => (Some(text), None),
                Err(err) => (None, Some(err.message())),
            },
            None if sort == Some(CaseSort::Relevance) => {
                (None, Some("is needed to sort by relevance".to_owned()))
            }
            None => (None, None),
        };
        let tags: Vec<String> = tags.iter().map(|t| t.trim().to_lowercase()).collect();
        let tag_error = tags.iter().any(|t| t.is_empty()).then(|| "must not be empty".to_owned());
        let range_error = match (created_after, created_before) {
            (Some(after), Some(before)) if after >= before => Some("must be after created_after".to_owned()),
            _ => None,
        };
        let page = PageRequest::parse(limit, cursor.as_deref());
        match (text_error, tag_error, range_error, page) {
            (None, None, None, Ok(page)) => Ok(Self {
                filter: CaseFilter {
                    statuses: statuses.iter().map(|s| s.as_str().to_owned()).collect(),
                    priorities: priorities.iter().map(|p| p.rank()).collect(),
                    severities: severities.iter().map(|s| s.rank()).collect(),
                    assignees: AssigneeFilter::split(&assignees).0,
                    unassigned: AssigneeFilter::split(&assignees).1,
                    tags,
                    text,
                    created_after,
                    created_before,
                    updated_after,
                    overdue: overdue.map(|overdue| {
                        overdue_now(overdue, &[CaseStatus::Resolved.as_str(), CaseStatus::Closed.as_str()])
                    }),
                    fields: Vec::new(),
                },
                custom_fields,
                sort: sort.unwrap_or(CaseSort::CreatedAt),
                direction: direction.unwrap_or(SortOrder::Desc),
                page,
            }),
            (text_error, tag_error, range_error, page) => {
                let mut errors = ValidationErrors::collect([
                    ("q", text_error),
                    ("tag", tag_error),
                    ("created_before", range_error),
                ]);
                if let Err(page_errors) = page {
                    errors.extend(page_errors);
                }
                Err(errors)
            }
        }
    }
}
