#include "connect/type_converter.h"

#include <arrow/util/key_value_metadata.h>

#include "plan/bound_expression.h"
#include "types/spark_types.h"
#include "types/variant_type.h"

namespace sk8::connect {

using spark::connect::DataType;

Result<std::shared_ptr<arrow::DataType>> FromProtoType(const DataType& proto) {
  switch (proto.kind_case()) {
    case DataType::kNull: return arrow::null();
    case DataType::kBinary: return arrow::binary();
    case DataType::kBoolean: return arrow::boolean();
    case DataType::kByte: return arrow::int8();
    case DataType::kShort: return arrow::int16();
    case DataType::kInteger: return arrow::int32();
    case DataType::kLong: return arrow::int64();
    case DataType::kFloat: return arrow::float32();
    case DataType::kDouble: return arrow::float64();
    case DataType::kDecimal: {
      int precision = proto.decimal().has_precision() ? proto.decimal().precision() : 10;
      int scale = proto.decimal().has_scale() ? proto.decimal().scale() : 0;
      return arrow::decimal128(precision, scale);
    }
    case DataType::kString:
    case DataType::kChar:
    case DataType::kVarChar: return arrow::utf8();
    case DataType::kDate: return arrow::date32();
    case DataType::kTimestamp: return types::TimestampType();
    case DataType::kTimestampNtz: return types::TimestampNtzType();
    case DataType::kYearMonthInterval: return arrow::month_interval();
    case DataType::kDayTimeInterval: return arrow::duration(arrow::TimeUnit::MICRO);
    case DataType::kArray: {
      ARROW_ASSIGN_OR_RAISE(auto element, FromProtoType(proto.array().element_type()));
      return arrow::list(arrow::field("element", element, proto.array().contains_null()));
    }
    case DataType::kMap: {
      ARROW_ASSIGN_OR_RAISE(auto key, FromProtoType(proto.map().key_type()));
      ARROW_ASSIGN_OR_RAISE(auto value, FromProtoType(proto.map().value_type()));
      return std::make_shared<arrow::MapType>(arrow::field("key", key, false),
                                              arrow::field("value", value, proto.map().value_contains_null()));
    }
    case DataType::kStruct: {
      arrow::FieldVector fields;
      for (const auto& f : proto.struct_().fields()) {
        ARROW_ASSIGN_OR_RAISE(auto type, FromProtoType(f.data_type()));
        fields.push_back(arrow::field(f.name(), type, f.nullable()));
      }
      return arrow::struct_(fields);
    }
    case DataType::kUnparsed: return types::ParseDdlType(proto.unparsed().data_type_string());
    case DataType::kUdt: return Unsupported("user-defined type " + proto.udt().type());
    case DataType::kCalendarInterval: return arrow::month_day_nano_interval();
    case DataType::kVariant: return types::VariantType();
    case DataType::kTime:
      if (proto.time().has_precision() && proto.time().precision() != 6) {
        return Unsupported("TIME(" + std::to_string(proto.time().precision()) + ") (precisions other than 6)");
      }
      return types::TimeType();
    case DataType::kGeometry: return types::GeoType(false, proto.geometry().srid());
    case DataType::kGeography: return types::GeoType(true, proto.geography().srid());
    case DataType::KIND_NOT_SET: break;
  }
  return SparkError(SparkExceptionKind::kIllegalArgument, "INVALID_PARAMETER_VALUE.DATATYPE",
                    {{"parameter", "`dataType`"}, {"functionName", "`FromProtoType`"}, {"invalidValue", "<unset>"}});
}

Status ToProtoType(const arrow::DataType& type, DataType* proto) {
  switch (type.id()) {
    case arrow::Type::NA: proto->mutable_null(); break;
    case arrow::Type::BOOL: proto->mutable_boolean(); break;
    case arrow::Type::INT8: proto->mutable_byte(); break;
    case arrow::Type::INT16: proto->mutable_short_(); break;
    case arrow::Type::INT32: proto->mutable_integer(); break;
    case arrow::Type::INT64: proto->mutable_long_(); break;
    case arrow::Type::FLOAT: proto->mutable_float_(); break;
    case arrow::Type::DOUBLE: proto->mutable_double_(); break;
    case arrow::Type::STRING:
    case arrow::Type::LARGE_STRING: proto->mutable_string(); break;
    case arrow::Type::BINARY:
    case arrow::Type::LARGE_BINARY: proto->mutable_binary(); break;
    case arrow::Type::DATE32: proto->mutable_date(); break;
    case arrow::Type::TIMESTAMP:
      if (types::IsTimestampLtz(type)) {
        proto->mutable_timestamp();
      } else {
        proto->mutable_timestamp_ntz();
      }
      break;
    case arrow::Type::TIME64: proto->mutable_time()->set_precision(6); break;
    case arrow::Type::DECIMAL128: {
      const auto& dec = static_cast<const arrow::Decimal128Type&>(type);
      proto->mutable_decimal()->set_precision(dec.precision());
      proto->mutable_decimal()->set_scale(dec.scale());
      break;
    }
    case arrow::Type::DURATION: {
      auto* interval = proto->mutable_day_time_interval();
      interval->set_start_field(0);
      interval->set_end_field(3);
      break;
    }
    case arrow::Type::INTERVAL_MONTH_DAY_NANO: proto->mutable_calendar_interval(); break;
    case arrow::Type::INTERVAL_MONTHS: {
      auto* interval = proto->mutable_year_month_interval();
      interval->set_start_field(0);
      interval->set_end_field(1);
      break;
    }
    case arrow::Type::LIST:
    case arrow::Type::LARGE_LIST: {
      auto* array = proto->mutable_array();
      ARROW_RETURN_NOT_OK(ToProtoType(*type.field(0)->type(), array->mutable_element_type()));
      array->set_contains_null(type.field(0)->nullable());
      break;
    }
    case arrow::Type::MAP: {
      const auto& map_type = static_cast<const arrow::MapType&>(type);
      auto* map = proto->mutable_map();
      ARROW_RETURN_NOT_OK(ToProtoType(*map_type.key_type(), map->mutable_key_type()));
      ARROW_RETURN_NOT_OK(ToProtoType(*map_type.item_type(), map->mutable_value_type()));
      map->set_value_contains_null(map_type.item_field()->nullable());
      break;
    }
    case arrow::Type::STRUCT: {
      if (types::IsVariant(type)) {
        proto->mutable_variant();
        break;
      }
      if (types::IsGeometry(type)) {
        proto->mutable_geometry()->set_srid(types::GeoTypeSrid(type));
        break;
      }
      if (types::IsGeography(type)) {
        proto->mutable_geography()->set_srid(types::GeoTypeSrid(type));
        break;
      }
      auto* st = proto->mutable_struct_();
      for (const auto& f : type.fields()) {
        auto* field = st->add_fields();
        field->set_name(f->name());
        field->set_nullable(f->nullable());
        if (f->HasMetadata() && f->metadata()->size() > 0) {
          // Spark field metadata travels as a JSON object string: a user's
          // (alias(metadata=...)) as given, sk8's own markers as strings.
          std::string json = "{";
          for (int64_t i = 0; i < f->metadata()->size(); ++i) {
            if (f->metadata()->key(i) == plan::kSparkMetadataJsonKey) {
              json = f->metadata()->value(i);
              json.pop_back();  // its closing brace: sk8's markers may follow
              if (json.size() > 1 && i + 1 < f->metadata()->size()) json += ",";
              continue;
            }
            if (json.size() > 1 && json.back() != ',') json += ",";
            json += "\"" + f->metadata()->key(i) + "\":\"" + f->metadata()->value(i) + "\"";
          }
          field->set_metadata(json + "}");
        }
        ARROW_RETURN_NOT_OK(ToProtoType(*f->type(), field->mutable_data_type()));
      }
      break;
    }
    default: return Unsupported("returning values of Arrow type " + type.ToString());
  }
  return Status::OK();
}

Status SchemaToProto(const arrow::Schema& schema, DataType* proto) {
  return ToProtoType(*arrow::struct_(schema.fields()), proto);
}

}  // namespace sk8::connect
