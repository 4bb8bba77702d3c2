DROP TABLE scan_events;
DROP TABLE scan_results;
DROP TABLE scans;
