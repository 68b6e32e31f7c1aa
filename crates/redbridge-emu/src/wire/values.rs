//! Result columns on the wire: the PostgreSQL type (and so the OID in `RowDescription`) of each
//! column from the type name the engine reports (`sql_engine::Column::type_name`, a PostgreSQL
//! name), and each value in text format, or in binary where the client asks for it and the type
//! has a plain binary form.

use std::sync::Arc;

use pgwire::api::Type;
use pgwire::api::portal::Format;
use pgwire::api::results::{DataRowEncoder, FieldFormat, FieldInfo};
use pgwire::error::PgWireResult;
use pgwire::messages::data::DataRow;

use crate::sql_engine::{Column, SqlValue};

/// The PostgreSQL type of a type name as the engine reports it; `varchar` for anything else.
pub(super) fn pg_type(name: &str) -> Type {
    match name.to_ascii_lowercase().as_str() {
        "int2" | "smallint" => Type::INT2,
        "int4" | "integer" | "int" => Type::INT4,
        "int8" | "bigint" => Type::INT8,
        "numeric" | "decimal" => Type::NUMERIC,
        "float4" | "real" => Type::FLOAT4,
        "float8" | "double precision" => Type::FLOAT8,
        "bool" | "boolean" => Type::BOOL,
        "bpchar" | "char" | "character" => Type::BPCHAR,
        "text" => Type::TEXT,
        "date" => Type::DATE,
        "timestamp" => Type::TIMESTAMP,
        "timestamptz" => Type::TIMESTAMPTZ,
        "name" => Type::NAME,
        "oid" => Type::OID,
        _ => Type::VARCHAR,
    }
}

/// Whether values of `ty` go in binary when asked: the types whose binary form is the plain
/// big-endian number or the UTF-8 text. Others stay in text (the `RowDescription` says so).
fn binary_capable(ty: &Type) -> bool {
    [
        Type::INT2,
        Type::INT4,
        Type::INT8,
        Type::FLOAT4,
        Type::FLOAT8,
        Type::BOOL,
        Type::VARCHAR,
        Type::TEXT,
        Type::BPCHAR,
    ]
    .contains(ty)
}

/// The `RowDescription` fields of `columns`, in the formats the client asked for; with `types`
/// (what a `Describe` of the statement already told the client), those types.
pub(super) fn fields(columns: &[Column], format: Option<&Format>, types: Option<&[Type]>) -> Vec<FieldInfo> {
    let types = types.filter(|types| types.len() == columns.len());
    columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let ty = types.map_or_else(|| pg_type(&column.type_name), |types| types[index].clone());
            let asked = format.map_or(FieldFormat::Text, |f| f.format_for(index));
            let chosen = if asked == FieldFormat::Binary && binary_capable(&ty) { asked } else { FieldFormat::Text };
            FieldInfo::new(column.name.clone(), None, None, ty, chosen)
        })
        .collect()
}

/// One row of values, encoded as `fields` say.
pub(super) fn encode_row(
    encoder: &mut DataRowEncoder,
    fields: &Arc<Vec<FieldInfo>>,
    row: &[SqlValue],
) -> PgWireResult<DataRow> {
    let options = pgwire::types::format::FormatOptions::default();
    for (field, value) in fields.iter().zip(row) {
        let ty = field.datatype().clone();
        let format = field.format();
        if format == FieldFormat::Binary {
            encode_binary(encoder, &ty, value, &options)?;
        } else {
            let text = text_of(value);
            encoder.encode_field_with_type_and_format(&text, &Type::TEXT, FieldFormat::Text, &options)?;
        }
    }
    Ok(encoder.take_row())
}

/// A value in PostgreSQL's text form; `None` for NULL.
pub(super) fn text_of(value: &SqlValue) -> Option<String> {
    match value {
        SqlValue::Double(d) if d.is_nan() => Some("NaN".to_owned()),
        SqlValue::Double(d) if d.is_infinite() => Some(if *d > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()),
        SqlValue::Null => None,
        SqlValue::Long(n) => Some(n.to_string()),
        SqlValue::Double(d) => Some(d.to_string()),
        SqlValue::Text(t) => Some(t.clone()),
        SqlValue::Bool(b) => Some(if *b { "t" } else { "f" }.to_owned()),
    }
}

/// A value in the binary form of `ty` (one of [`binary_capable`]'s types).
fn encode_binary(
    encoder: &mut DataRowEncoder,
    ty: &Type,
    value: &SqlValue,
    options: &pgwire::types::format::FormatOptions,
) -> PgWireResult<()> {
    let binary = FieldFormat::Binary;
    let as_i64 = || match value {
        SqlValue::Long(n) => Some(*n),
        SqlValue::Bool(b) => Some(i64::from(*b)),
        SqlValue::Double(d) => Some(*d as i64),
        SqlValue::Text(t) => t.trim().parse().ok(),
        SqlValue::Null => None,
    };
    let as_f64 = || match value {
        SqlValue::Long(n) => Some(*n as f64),
        SqlValue::Double(d) => Some(*d),
        SqlValue::Text(t) => t.trim().parse().ok(),
        SqlValue::Bool(b) => Some(f64::from(u8::from(*b))),
        SqlValue::Null => None,
    };
    if *ty == Type::INT2 {
        let v = as_i64().map(|n| i16::try_from(n).unwrap_or(if n < 0 { i16::MIN } else { i16::MAX }));
        encoder.encode_field_with_type_and_format(&v, ty, binary, options)
    } else if *ty == Type::INT4 {
        let v = as_i64().map(|n| i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX }));
        encoder.encode_field_with_type_and_format(&v, ty, binary, options)
    } else if *ty == Type::INT8 {
        encoder.encode_field_with_type_and_format(&as_i64(), ty, binary, options)
    } else if *ty == Type::FLOAT4 {
        let v = as_f64().map(|d| d as f32);
        encoder.encode_field_with_type_and_format(&v, ty, binary, options)
    } else if *ty == Type::FLOAT8 {
        encoder.encode_field_with_type_and_format(&as_f64(), ty, binary, options)
    } else if *ty == Type::BOOL {
        let v = match value {
            SqlValue::Bool(b) => Some(*b),
            SqlValue::Null => None,
            other => as_i64().map(|n| n != 0).or_else(|| text_of(other).map(|t| t == "t" || t == "true")),
        };
        encoder.encode_field_with_type_and_format(&v, ty, binary, options)
    } else {
        encoder.encode_field_with_type_and_format(&text_of(value), &Type::TEXT, binary, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_type_names_map_to_their_postgresql_oids() {
        assert_eq!(pg_type("int4").oid(), 23);
        assert_eq!(pg_type("int8").oid(), 20);
        assert_eq!(pg_type("numeric").oid(), 1700);
        assert_eq!(pg_type("bool").oid(), 16);
        assert_eq!(pg_type("float8").oid(), 701);
        assert_eq!(pg_type("timestamptz").oid(), 1184);
        assert_eq!(pg_type("varchar").oid(), 1043);
        assert_eq!(pg_type("something else").oid(), 1043);
    }

    #[test]
    fn text_values_are_postgresqls_forms() {
        assert_eq!(text_of(&SqlValue::Bool(true)).as_deref(), Some("t"));
        assert_eq!(text_of(&SqlValue::Double(f64::INFINITY)).as_deref(), Some("Infinity"));
        assert_eq!(text_of(&SqlValue::Null), None);
    }
}
