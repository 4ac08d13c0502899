#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <arrow/type.h>

#include "common/spark_error.h"

/// Spark SQL data types on Arrow. sk8 keeps data in Arrow types end to end; this
/// file fixes the one-to-one mapping and Spark's names for them:
///   boolean->bool, tinyint->int8, smallint->int16, int->int32, bigint->int64,
///   float->float32, double->float64, decimal(p,s)->decimal128(p,s),
///   string/char/varchar->utf8, binary->binary, date->date32,
///   timestamp->timestamp(us, "UTC") (instants), timestamp_ntz->timestamp(us),
///   time(6)->time64(ns),
///   interval day to second->duration(us), interval year to month->month_interval,
///   void->null, array<T>->list, map<K,V>->map, struct<...>->struct.
namespace sk8::types {

std::shared_ptr<arrow::DataType> TimestampType();     // Spark TIMESTAMP (LTZ)
std::shared_ptr<arrow::DataType> TimestampNtzType();  // Spark TIMESTAMP_NTZ
/// Spark TIME(6): nanoseconds since midnight (Spark's own physical value and the
/// Arrow type, time64[ns], Spark Connect sends). Only precision 6, the default,
/// has an Arrow type here: other precisions answer UNSUPPORTED_FEATURE.
std::shared_ptr<arrow::DataType> TimeType();
bool IsTime(const arrow::DataType& type);
/// Spark GEOMETRY(srid) / GEOGRAPHY(srid): struct<srid: int, wkb: binary>, the
/// layout Spark Connect sends, its wkb field tagged {"geometry"|"geography":
/// "true", "srid": N}, N = kMixedSrid for GEOMETRY(ANY), as the client reads it.
constexpr int32_t kMixedSrid = -1;
std::shared_ptr<arrow::DataType> GeoType(bool geography, int32_t srid);
bool IsGeometry(const arrow::DataType& type);
bool IsGeography(const arrow::DataType& type);
inline bool IsGeo(const arrow::DataType& type) { return IsGeometry(type) || IsGeography(type); }
/// The srid of a GEOMETRY / GEOGRAPHY type (kMixedSrid for ANY).
int32_t GeoTypeSrid(const arrow::DataType& type);

bool IsTimestampLtz(const arrow::DataType& type);
bool IsIntegral(const arrow::DataType& type);  // tinyint .. bigint
bool IsFractional(const arrow::DataType& type);  // float, double
bool IsNumeric(const arrow::DataType& type);   // integral, fractional, decimal
bool IsStringLike(const arrow::DataType& type);

/// Spark's DataType.simpleString: "bigint", "array<int>", "struct<a:int,b:string>".
std::string SimpleString(const arrow::DataType& type);
/// Spark's DataType.sql, used in error messages: "BIGINT", "ARRAY<INT>".
std::string SqlString(const arrow::DataType& type);
/// Spark's DataType.typeName as in schema JSON ("long", "integer", "decimal(10,2)").
std::string JsonTypeName(const arrow::DataType& type);
/// Spark's schema JSON for a type ({"type":"struct","fields":[...]} or "long").
std::string ToSparkJson(const arrow::DataType& type);

/// Parses a Spark DDL type ("int", "decimal(10,2)", "array<struct<a:int>>").
Result<std::shared_ptr<arrow::DataType>> ParseDdlType(std::string_view text);
/// Parses a DDL schema: "a INT, b STRING NOT NULL" or "struct<a:int>" (a struct
/// type), returning a struct type.
Result<std::shared_ptr<arrow::DataType>> ParseDdlSchema(std::string_view text);
/// Parses Spark's JSON type representation (DataType.json).
Result<std::shared_ptr<arrow::DataType>> ParseSparkJson(std::string_view text);

}  // namespace sk8::types
