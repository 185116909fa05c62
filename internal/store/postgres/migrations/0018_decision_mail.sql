-- 0018: decision mails. A reader may opt in to mail about moderators'
-- decisions on their comments and account, apart from replies. A pending
-- notification of a decision names its inbox kind and audit entry; its
-- story_id is '', so that one reader's decisions batch into one mail.
ALTER TABLE notification_settings ADD COLUMN decisions boolean NOT NULL DEFAULT false;
ALTER TABLE pending_notifications ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE pending_notifications ADD COLUMN entry_id bigint NOT NULL DEFAULT 0;
