-- tag posts
--
-- Revision ID: b7e05a3d91c2
-- Revises: 8c41d07e2b95
-- Create Date: 2026-11-25 09:10:00.000000+00:00
-- Branch Labels:
-- Depends On:
-- Transactional: yes

-- migrate:upgrade
CREATE TABLE tags (
    id          INTEGER NOT NULL PRIMARY KEY,
    name        VARCHAR(50) NOT NULL UNIQUE
);

-- the many-to-many link between posts and tags
CREATE TABLE post_tags (
    post_id     INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);

-- migrate:downgrade
DROP TABLE post_tags;
DROP TABLE tags;
