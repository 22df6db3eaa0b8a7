#ifndef CHAT_SERVICE_CMONGOC_SHIM_H
#define CHAT_SERVICE_CMONGOC_SHIM_H
// The C driver for MongoDB (libmongoc 1.23) and its BSON library, as Debian ships them.
#include <mongoc/mongoc.h>
#include <bson/bson.h>
#endif
