//! What a finished scan leaves on its case: each open port becomes an
//! observable (`port`, `address:port`) and so does each host with an open
//! port (`ipv4` or `ipv6`), with `source: scan`, in the transaction that
//! finishes the scan. A value the case has already (a rerun) is seen again
//! rather than added twice; the ones added are answered for publishing.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::ids::CaseId;
use crate::services::kernel::Actor;
use crate::services::observables::{self, Correlated, NewObservable, ObservableType, Source, Tlp, normalise};
use crate::store::scans::{self, ScanResultRow, ScanRow};
use crate::store::{DbConn, StoreError};

/// Adds the scan's open ports and their hosts to `case`; answers the
/// observables it added (not those seen again), as the API shows them.
pub(super) async fn record(
    tx: &mut DbConn<'_>,
    scan: &ScanRow,
    case: CaseId,
    at: DateTime<Utc>,
) -> Result<Vec<Correlated>, StoreError> {
    let results = scans::results(tx, scan.id, None, i64::MAX).await?;
    let found = facts_of(scan, &results);
    let actor = Actor::stored(scan.created_by, &scan.created_by_kind);
    let standing = observables::add_within(tx, (scan.workspace_id, case), &found, actor, at).await?;
    let added = standing.into_iter().filter_map(|(observable, created)| created.then_some(observable));
    observables::correlate(tx, scan.workspace_id, added.collect()).await
}

/// One observable per host and one per open port.
fn facts_of(scan: &ScanRow, results: &[ScanResultRow]) -> Vec<NewObservable> {
    let fact = |kind, raw: &str, description: String| {
        normalise(kind, raw).ok().map(|normalised| NewObservable {
            kind,
            value: normalised.value,
            description,
            tlp: Tlp::Amber,
            is_ioc: false,
            sighted: true,
            tags: vec!["scan".to_owned()],
            source: Source::Scan,
        })
    };
    let mut found = Vec::with_capacity(results.len() * 2);
    for result in results {
        let Ok(address) = result.address.parse::<IpAddr>() else { continue };
        let (kind, endpoint) = match address {
            IpAddr::V4(v4) => (ObservableType::Ipv4, format!("{v4}:{}", result.port)),
            IpAddr::V6(v6) => (ObservableType::Ipv6, format!("[{v6}]:{}", result.port)),
        };
        let host = format!("A host with open ports, found by scan {}.", scan.id);
        found.extend(fact(kind, &result.address, host));
        let banner = result
            .banner
            .as_deref()
            .map(|b| format!(" It answered: `{}`", b.replace('`', "'")))
            .unwrap_or_default();
        let port = format!("Open port found by scan {}.{banner}", scan.id);
        found.extend(fact(ObservableType::Port, &endpoint, port));
    }
    found
}
