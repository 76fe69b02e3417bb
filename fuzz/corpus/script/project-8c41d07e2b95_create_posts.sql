-- create posts
--
-- Revision ID: 8c41d07e2b95
-- Revises: 3f2a9c1b7e4d
-- Create Date: 2026-11-25 09:05:00.000000+00:00
-- Branch Labels:
-- Depends On:
-- Transactional: yes

-- migrate:upgrade
CREATE TABLE posts (
    id          INTEGER NOT NULL PRIMARY KEY,
    author_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       VARCHAR(200) NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    published   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_posts_author_id ON posts (author_id);

-- migrate:downgrade
DROP INDEX ix_posts_author_id;
DROP TABLE posts;
