-- add comments
--
-- Revision ID: e29d6f4a0c18
-- Revises: b7e05a3d91c2
-- Create Date: 2026-11-25 09:15:00.000000+00:00
-- Branch Labels:
-- Depends On:
-- Transactional: yes

-- migrate:upgrade
CREATE TABLE comments (
    id          INTEGER NOT NULL PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_comments_post_id ON comments (post_id);

-- migrate:downgrade
DROP INDEX ix_comments_post_id;
DROP TABLE comments;
