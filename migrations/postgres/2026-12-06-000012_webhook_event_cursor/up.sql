-- Every change is now a workspace event, written whether or not anyone
-- subscribed; the delivery workers fan events out to subscriptions after
-- the change has committed. `event_cursor` is the last event (by `seq`) a
-- subscription has taken into account: events after it are still to be
-- delivered (or skipped, when not wanted). A subscription starts at the
-- workspace's latest event.
ALTER TABLE webhooks ADD COLUMN event_cursor BIGINT NOT NULL DEFAULT 0;
UPDATE webhooks SET event_cursor = (SELECT event_seq FROM workspaces WHERE workspaces.id = webhooks.workspace_id);
