-- repo: KyleGobel/Chronos
-- source: https://github.com/KyleGobel/Chronos
-- template: none

-- statement: src/Chronos.AWS/copyToRedshift.sql
-- expect: RB-SQL-001
-- why: `$NAME$` is neither Jinja nor Python templating; as SQL, `$TABLENAME$` opens a dollar-quoted string (https://www.postgresql.org/docs/8.0/sql-syntax.html#SQL-SYNTAX-DOLLAR-QUOTING, the PostgreSQL Redshift derives from) that is never closed (RB-SQL-001): Redshift would refuse the unrendered text too
copy $TABLENAME$ ($COLUMNLIST$)
from 's3://$BUCKET$/$PATH$'
credentials 'aws_access_key_id=$ACCESSKEY$;aws_secret_access_key=$SECRETKEY$'
delimiter '$DELIMETER$'
ignoreheader as $HEADERROWS$
ignoreblanklines BLANKSASNULL ACCEPTANYDATE TRUNCATECOLUMNS GZIP timeformat 'auto';

-- statement: src/Chronos.AWS/mergeToRedshift.sql
-- expect: RB-SQL-001
-- why: as copyToRedshift.sql: `$TABLENAME$` opens a dollar-quoted string (https://www.postgresql.org/docs/8.0/sql-syntax.html#SQL-SYNTAX-DOLLAR-QUOTING) never closed (RB-SQL-001)
copy $TABLENAME$ ($COLUMNLIST$)
from 's3://mobi-email/$PATH$'
credentials 'aws_access_key_id=$ACCESSKEY$;aws_secret_access_key=$SECRETKEY$'
delimiter '\t'
ignoreheader as $HEADERROWS$
ignoreblanklines BLANKSASNULL ACCEPTANYDATE TRUNCATECOLUMNS GZIP timeformat 'auto';
