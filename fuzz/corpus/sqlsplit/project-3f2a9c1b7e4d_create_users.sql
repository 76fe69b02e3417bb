-- create users
--
-- Revision ID: 3f2a9c1b7e4d
-- Revises:
-- Create Date: 2026-11-25 09:00:00.000000+00:00
-- Branch Labels:
-- Depends On:
-- Transactional: yes

-- migrate:upgrade
-- People who write posts and comments.
CREATE TABLE users (
    id          INTEGER NOT NULL PRIMARY KEY,
    email       VARCHAR(255) NOT NULL UNIQUE,
    name        VARCHAR(100) NOT NULL,
    created_at  TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- migrate:downgrade
DROP TABLE users;
