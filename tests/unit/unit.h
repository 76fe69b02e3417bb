/*
 * What every cmocka unit test includes: cmocka's own headers in the order
 * they need, and the project's.
 */
#ifndef MIGRATE_UNIT_H
#define MIGRATE_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "migrate.h"

#endif
