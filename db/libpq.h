// libpq, loaded when a PostgreSQL inventory is first used rather than linked: libpq links
// OpenSSL's libssl and libcrypto, which the pkitool binary must not map (startup_test), and
// only PostgreSQL inventories need it (issue #14). The C API, not libpqxx: it is what Debian's
// libpq-dev ships, a few calls cover every query (PQexecParams, prepared statements), and
// libpqxx would link libpq itself.
#pragma once

#include <libpq-fe.h>

namespace pkitool::db {

struct Libpq {
    decltype(&::PQconnectdb) connectdb;
    decltype(&::PQconnectdbParams) connectdbParams;
    decltype(&::PQstatus) status;
    decltype(&::PQerrorMessage) errorMessage;
    decltype(&::PQfinish) finish;
    decltype(&::PQconninfoParse) conninfoParse;
    decltype(&::PQconninfoFree) conninfoFree;
    decltype(&::PQfreemem) freemem;
    decltype(&::PQexec) exec;
    decltype(&::PQexecParams) execParams;
    decltype(&::PQprepare) prepare;
    decltype(&::PQexecPrepared) execPrepared;
    decltype(&::PQresultStatus) resultStatus;
    decltype(&::PQresultErrorMessage) resultErrorMessage;
    decltype(&::PQresultErrorField) resultErrorField;
    decltype(&::PQclear) clear;
    decltype(&::PQntuples) ntuples;
    decltype(&::PQgetvalue) getvalue;
    decltype(&::PQgetlength) getlength;
    decltype(&::PQgetisnull) getisnull;
    decltype(&::PQcmdTuples) cmdTuples;
    decltype(&::PQsetSingleRowMode) setSingleRowMode;
    decltype(&::PQsendQueryParams) sendQueryParams;
    decltype(&::PQgetResult) getResult;
    decltype(&::PQtransactionStatus) transactionStatus;
    decltype(&::PQsetNoticeProcessor) setNoticeProcessor;
    // A listing whose reader gives up mid-way cancels the rest rather than reading it all.
    decltype(&::PQgetCancel) getCancel;
    decltype(&::PQcancel) cancel;
    decltype(&::PQfreeCancel) freeCancel;

    // Loads it once per process; thread-safe. Error naming the Debian package when it is missing.
    static const Libpq& get();
};

}  // namespace pkitool::db
