-- ${message}
--
-- Revision ID: ${up_revision}
-- Revises: ${down_revision}
-- Create Date: ${create_date}
-- Author: ${author}
-- Branch Labels: ${branch_labels}
-- Depends On: ${depends_on}
-- Transactional: yes

-- migrate:upgrade
${upgrades}

-- migrate:downgrade
${downgrades}
