#!/bin/sh
# migrate.ini: interpolation, environment, overrides, warnings, errors.
. "$(dirname "$0")/lib.sh"

test_expect_success '%(here)s, %(key)s, %% and defaults' '
	mkdir proj
	cat >proj/migrate.ini <<-\INI
	[migrate]
	script_location = %(here)s/db
	models = %(script_location)s/schema
	url = sqlite:///%(here)s/app.db
	file_template = %%(year)d_%%(rev)s
	INI
	here=$(cd proj && pwd -P)
	run_migrate 0 -c proj/migrate.ini config script_location
	expect_text "$here/db" out
	run_migrate 0 -c proj/migrate.ini config models
	expect_text "$here/db/schema" out
	run_migrate 0 -c proj/migrate.ini config url
	expect_text "sqlite:///$here/app.db" out
	run_migrate 0 -c proj/migrate.ini config file_template
	expect_text "%(year)d_%(rev)s" out
	run_migrate 0 -c proj/migrate.ini config version_table
	expect_text "migrate_version" out
'

test_expect_success 'file_template may name its fields with a single %' '
	printf "[migrate]\nfile_template = %%(rev)s_%%(slug)s\n" >migrate.ini
	run_migrate 0 config file_template
	expect_text "%(rev)s_%(slug)s" out
'

test_expect_success '${VAR} and ${VAR:-default} come from the environment' '
	cat >migrate.ini <<-\INI
	[migrate]
	url = postgresql://${DB_USER}:${DB_PASS}@db.example:5433/${DB_NAME:-app}
	version_table = ${VT:-mig_version}
	INI
	DB_USER=alice DB_PASS=s3cret run_migrate 0 config url
	expect_text "postgresql://alice:***@db.example:5433/app" out
	DB_USER=alice DB_PASS=s3cret DB_NAME=prod run_migrate 0 config url
	expect_text "postgresql://alice:***@db.example:5433/prod" out
	DB_USER=a DB_PASS=b VT=v2 run_migrate 0 config version_table
	expect_text "v2" out
	! grep -q s3cret out err || false
'

test_expect_success 'a password is masked where another key interpolates the URL' '
	printf "[migrate]\nurl = postgresql://u:s3cret@h/db\ndev_url = postgresql://u:d3v@h/dev\nschemas = %%(url)s %%(dev_url)s\n" >migrate.ini
	run_migrate 0 config
	expect_grep "schemas = postgresql://u:***@h/db postgresql://u:***@h/dev" out
	! grep -q -e s3cret -e d3v out err || false
'

test_expect_success 'an unset ${VAR} is an error naming file and line' '
	printf "[migrate]\n\nurl = \${NOPE_NOT_SET}\n" >migrate.ini
	run_migrate 2 config
	expect_text "migrate.ini:3: environment variable '"'"'NOPE_NOT_SET'"'"' is not set (used by '"'"'url'"'"')" err
'

test_expect_success '--url beats MIGRATE_URL beats the file' '
	printf "[migrate]\nurl = sqlite:///file.db\n" >migrate.ini
	run_migrate 0 config --show-origin url
	expect_text "$(printf "migrate.ini:2\tsqlite:///file.db")" out
	MIGRATE_URL=sqlite:///env.db run_migrate 0 config --show-origin url
	expect_text "$(printf "MIGRATE_URL\tsqlite:///env.db")" out
	MIGRATE_URL=sqlite:///env.db run_migrate 0 --url sqlite:///flag.db config --show-origin url
	expect_text "$(printf -- "--url\tsqlite:///flag.db")" out
'

test_expect_success '-c and MIGRATE_CONFIG pick the file' '
	printf "[migrate]\nversion_table = from_c\n" >a.ini
	printf "[migrate]\nversion_table = from_env\n" >b.ini
	run_migrate 0 -c a.ini config version_table
	expect_text from_c out
	MIGRATE_CONFIG=b.ini run_migrate 0 config version_table
	expect_text from_env out
	MIGRATE_CONFIG=b.ini run_migrate 0 --config=a.ini config version_table
	expect_text from_c out
'

test_expect_success 'an unknown key is a warning with file, line and a hint' '
	printf "[migrate]\nurl = sqlite://\nverison_table = x\nfrobs = 1\n" >migrate.ini
	run_migrate 0 config version_table
	expect_text migrate_version out
	expect_text "warning: migrate.ini:3: unknown key '"'"'verison_table'"'"' in [migrate]; did you mean '"'"'version_table'"'"'?
warning: migrate.ini:4: unknown key '"'"'frobs'"'"' in [migrate]" err
	run_migrate 0 -q config version_table
	test ! -s err
'

test_expect_success 'a malformed line is an error with file and line' '
	printf "[migrate]\nurl = sqlite://\n\nthis line is wrong\n" >migrate.ini
	run_migrate 2 config
	expect_text "migrate.ini:4: malformed line: expected '"'"'[section]'"'"' or '"'"'key = value'"'"'" err
	test ! -s out
'

test_expect_success 'an unclosed section header is malformed' '
	printf "[migrate\nurl = sqlite://\n" >migrate.ini
	run_migrate 2 config
	expect_grep "migrate.ini:1: malformed line" err
'

test_expect_success 'no [migrate] section is an error naming the file' '
	printf "[alembic]\nurl = sqlite://\n" >migrate.ini
	run_migrate 2 config
	expect_text "migrate.ini: no [migrate] section (or it is empty)" err
'

test_expect_success 'a key outside any section is an error' '
	printf "url = sqlite://\n[migrate]\n" >migrate.ini
	run_migrate 2 config
	expect_grep "migrate.ini:1: key '"'"'url'"'"' is outside any section" err
'

test_expect_success 'a duplicate key is an error' '
	printf "[migrate]\nurl = sqlite://\nurl = sqlite:///x.db\n" >migrate.ini
	run_migrate 2 config
	expect_text "migrate.ini:3: duplicate key '"'"'url'"'"' (first set on line 2)" err
'

test_expect_success 'broken interpolations are errors with file and line' '
	printf "[migrate]\nmodels = %%(nope)s/m\n" >migrate.ini
	run_migrate 2 config
	expect_text "migrate.ini:2: bad interpolation in '"'"'models'"'"': no key '"'"'nope'"'"' for %(nope)s" err
	printf "[migrate]\nmodels = %%(here\n" >migrate.ini
	run_migrate 2 config
	expect_grep "migrate.ini:2: bad interpolation" err
	printf "[migrate]\nmodels = \${HOME\n" >migrate.ini
	run_migrate 2 config
	expect_grep "migrate.ini:2: bad interpolation" err
	printf "[migrate]\na_key = %%(b_key)s\nb_key = %%(a_key)s\n" >migrate.ini
	run_migrate 2 config
	expect_grep "nest too deep" err
'

test_expect_success 'a named file that does not exist is an error' '
	run_migrate 2 -c missing.ini config
	expect_text "migrate: cannot open '"'"'missing.ini'"'"': No such file or directory" err
'

test_expect_success 'no migrate.ini: commands that need one say what to do' '
	run_migrate 2 exec x.sql
	expect_grep "cannot open '"'"'migrate.ini'"'"' in this folder" err
'

test_expect_success 'long values, ";" and continuation lines survive' '
	long=$(printf "%0300d" 0)
	cat >migrate.ini <<-INI
	[migrate]
	; a comment
	# another
	schemas = public ; not a comment
	version_locations = a
	  b
	  c
	include_tables = t$long
	INI
	run_migrate 0 config schemas
	expect_text "public ; not a comment" out
	run_migrate 0 config version_locations
	expect_text "a
b
c" out
	run_migrate 0 config include_tables
	expect_text "t$long" out
'

test_expect_success 'CRLF line endings and keys in any case' '
	printf "[migrate]\r\nVersion_Table = vt\r\n" >migrate.ini
	run_migrate 0 config version_table
	expect_text vt out
'

test_expect_success 'a bad URL in migrate.ini names the file and line' '
	printf "[migrate]\n\nurl = mysql://u:hunter2@h/db\n" >migrate.ini
	run_migrate 2 exec x.sql
	expect_grep "migrate.ini:3: unknown database URL scheme" err
	! grep -q hunter2 err out || false
	run_migrate 0 config url
	expect_grep "(invalid: unknown database URL scheme" out
	! grep -q hunter2 out || false
'

test_done
