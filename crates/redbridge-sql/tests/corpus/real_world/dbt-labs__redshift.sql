-- repo: dbt-labs/redshift
-- source: https://github.com/dbt-labs/redshift
-- template: jinja

-- statement: macros/unload.sql (unload_table macro body)
-- expect: RB-SQL-050 RB-SQL-051
-- why: https://docs.sqlfluff.com/en/stable/configuration/templating/placeholder.html: "it is then necessary to replace these placeholders with sample values"; each placeholder is an opaque value of its slot, and RB-SQL-050 names the checks it hid
-- why: https://docs.aws.amazon.com/redshift/latest/dg/r_UNLOAD.html: the `elif`/`else` branches (access keys, a compiler error) are alternatives to IAM_ROLE; linting them with it would report an IAM_ROLE/access-key conflict no rendering has, so RB-SQL-051 says they were not checked
  UNLOAD ('SELECT * FROM "{{ schema }}"."{{ table }}"')
  TO '{{ s3_path }}'
  {% if iam_role %}
  IAM_ROLE '{{ iam_role }}'
  {% elif aws_key and aws_secret %}
  ACCESS_KEY_ID '{{ aws_key }}'
  SECRET_ACCESS_KEY '{{ aws_secret }}'
  {% else %}
  -- Raise an error if authorization args are not present
  {{ exceptions.raise_compiler_error("You must provide AWS authorization parameters via 'iam_role' or 'aws_key' and 'aws_secret'.") }}
  {% endif %}
  {% if manifest %}
  MANIFEST
  {% endif %}
  {% if header %}
  HEADER
  {% endif %}
  {% if format %}
  FORMAT AS {{format|upper}}
  {% endif %}
  {% if not format %}
  DELIMITER AS '{{ delimiter }}'
  {% endif %}
  NULL AS '{{ null_as }}'
  MAXFILESIZE AS {{ max_file_size }}
  {% if escape %}
  ESCAPE
  {% endif %}
  {% if compression %}
  {{ compression|upper }}
  {% endif %}
  {% if add_quotes %}
  ADDQUOTES
  {% endif %}
  {% if encrypted %}
  ENCRYPTED
  {% endif %}
  {% if overwrite %}
  ALLOWOVERWRITE
  {% endif %}
  {% if not parallel %}
  PARALLEL OFF
  {% endif %}
