DROP TABLE attachments;
DROP TABLE evidence_blobs;
