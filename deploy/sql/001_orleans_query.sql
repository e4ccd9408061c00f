-- The query store every Orleans ADO.NET provider reads at start-up: one row per query key, the SQL it runs.
-- Our own implementation of the contract the 10.x providers expect (the scripts do not ship in the packages).
-- Names are unquoted on purpose: Orleans writes them in PascalCase and PostgreSQL folds both sides to lower case.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64) NOT NULL CONSTRAINT pk_orleans_query PRIMARY KEY,
    QueryText text        NOT NULL
);
