#include "db/libpq.h"

#include "base/shared_library.h"

namespace pkitool::db {

namespace {

Libpq load() {
    const SharedLibrary lib("libpq.so.5", "libpq5");
    Libpq p{};
    lib.resolve("PQconnectdb", p.connectdb);
    lib.resolve("PQconnectdbParams", p.connectdbParams);
    lib.resolve("PQstatus", p.status);
    lib.resolve("PQerrorMessage", p.errorMessage);
    lib.resolve("PQfinish", p.finish);
    lib.resolve("PQconninfoParse", p.conninfoParse);
    lib.resolve("PQconninfoFree", p.conninfoFree);
    lib.resolve("PQfreemem", p.freemem);
    lib.resolve("PQexec", p.exec);
    lib.resolve("PQexecParams", p.execParams);
    lib.resolve("PQprepare", p.prepare);
    lib.resolve("PQexecPrepared", p.execPrepared);
    lib.resolve("PQresultStatus", p.resultStatus);
    lib.resolve("PQresultErrorMessage", p.resultErrorMessage);
    lib.resolve("PQresultErrorField", p.resultErrorField);
    lib.resolve("PQclear", p.clear);
    lib.resolve("PQntuples", p.ntuples);
    lib.resolve("PQgetvalue", p.getvalue);
    lib.resolve("PQgetlength", p.getlength);
    lib.resolve("PQgetisnull", p.getisnull);
    lib.resolve("PQcmdTuples", p.cmdTuples);
    lib.resolve("PQsetSingleRowMode", p.setSingleRowMode);
    lib.resolve("PQsendQueryParams", p.sendQueryParams);
    lib.resolve("PQgetResult", p.getResult);
    lib.resolve("PQtransactionStatus", p.transactionStatus);
    lib.resolve("PQsetNoticeProcessor", p.setNoticeProcessor);
    lib.resolve("PQgetCancel", p.getCancel);
    lib.resolve("PQcancel", p.cancel);
    lib.resolve("PQfreeCancel", p.freeCancel);
    return p;
}

}  // namespace

const Libpq& Libpq::get() {
    // A failed load throws out of the initialiser, so the next call tries again.
    static const Libpq library = load();
    return library;
}

}  // namespace pkitool::db
