//! PostgreSQL query plans of the case list over a large workspace: the
//! filtered, sorted page and a deep cursor page must be served by indexes,
//! never by a sequential scan. (Speed itself is measured by the bench.)

use casebook::store::DatabaseUrl;
use diesel::QueryableByName;
use diesel::sql_types::Text;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::json;

use crate::helpers::{Backend, TestApp};
use crate::team::Team;

const SEEDED: u32 = 100_000;

#[derive(QueryableByName)]
struct PlanLine {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

fn bytea(prefixed_id: &str) -> String {
    let hex = prefixed_id.split_once('_').expect("prefixed").1;
    format!("'\\x{hex}'::bytea")
}

async fn plan(conn: &mut AsyncPgConnection, sql: &str) -> String {
    let lines: Vec<PlanLine> = diesel::sql_query(format!("EXPLAIN {sql}")).load(conn).await.expect("explain");
    lines.into_iter().map(|l| l.line).collect::<Vec<_>>().join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_serves_filtered_case_pages_from_indexes() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else { return };
    let team = Team::create(&app).await;
    app.create_case(&team.editor, team.id(), json!({"summary": "real"})).await;
    let DatabaseUrl::Postgres(url) = &app.settings.database.url else { unreachable!("postgres") };
    let mut conn = AsyncPgConnection::establish(url).await.expect("connect");
    let (ws, admin) = (bytea(team.id()), bytea(&team.admin_id));
    conn.batch_execute(&format!(
        "INSERT INTO cases (id, workspace_id, number, summary, description, status, priority, severity, \
                            tags, version, created_by, created_at, updated_at) \
         SELECT decode(lpad(to_hex(g), 32, '0'), 'hex'), {ws}, g + 1, 'Seeded case ' || g, '', \
                (ARRAY['new','in_progress','on_hold','resolved','closed'])[1 + g % 5], 1 + g % 4, 1 + g % 5, \
                '[]', 1, {admin}, TIMESTAMP '2026-01-01' + g * INTERVAL '1 second', \
                TIMESTAMP '2026-01-01' + g * INTERVAL '1 second' \
         FROM generate_series(1, {SEEDED}) AS g; \
         ANALYZE cases;"
    ))
    .await
    .expect("seed");

    let filter =
        format!("workspace_id = {ws} AND status = ANY('{{new,in_progress}}') AND priority = ANY('{{3,4}}')");
    let queries = [
        (
            "first page, status + priority, newest first",
            format!("SELECT * FROM cases WHERE {filter} ORDER BY created_at DESC, id DESC LIMIT 51"),
        ),
        (
            "deep cursor page",
            format!(
                "SELECT * FROM cases WHERE {filter} AND created_at <= TIMESTAMP '2026-01-01 10:00:00' \
                  AND (created_at < TIMESTAMP '2026-01-01 10:00:00' OR id < '\\xff'::bytea) \
                  ORDER BY created_at DESC, id DESC LIMIT 51"
            ),
        ),
        (
            "sorted by priority, no filter",
            format!("SELECT * FROM cases WHERE workspace_id = {ws} ORDER BY priority DESC, id DESC LIMIT 51"),
        ),
        (
            "unassigned, oldest first",
            format!(
                "SELECT * FROM cases WHERE workspace_id = {ws} AND assignee_id IS NULL ORDER BY created_at ASC, id ASC LIMIT 51"
            ),
        ),
    ];
    for (name, sql) in queries {
        let plan = plan(&mut conn, &sql).await;
        println!("--- {name} over {SEEDED} cases:\n{plan}\n");
        assert!(plan.contains("Index"), "{name}: no index used:\n{plan}");
        assert!(!plan.contains("Seq Scan"), "{name}: sequential scan:\n{plan}");
        if name == "deep cursor page" {
            let seeks = plan.lines().any(|l| l.contains("Index Cond") && l.contains("created_at <="));
            assert!(seeks, "{name}: the cursor bound must be an index condition, not a filter:\n{plan}");
        }
    }
}
