// Spark 4.1's geospatial basics: st_geomfromwkb / st_geogfromwkb (the WKB bytes
// kept as given, as Spark does), st_asbinary, st_srid and st_setsrid. Values are
// types::GeoType(): struct<srid, wkb>, the layout Spark Connect sends.
#include <arrow/array.h>
#include <arrow/buffer_builder.h>
#include <arrow/builder.h>
#include <arrow/util/bitmap_ops.h>

#include "functions/cast.h"
#include "functions/kernel_util.h"
#include "functions/string_util.h"
#include "types/spark_types.h"

namespace sk8::functions {
namespace {

using arrow::Datum;
using plan::BoundExpr;

constexpr int32_t kGeographySrid = 4326;

// The SRIDs Spark 4.1 knows: GEOMETRY 0 (none), 3857 and 4326; GEOGRAPHY 4326.
bool ValidSrid(bool geography, int64_t srid) {
  if (geography) return srid == kGeographySrid;
  return srid == 0 || srid == 3857 || srid == 4326;
}

Status InvalidSrid(int64_t srid) {
  return SparkError(SparkExceptionKind::kIllegalArgument, "ST_INVALID_SRID_VALUE", {{"srid", std::to_string(srid)}});
}

Status NotGeo(const std::string& name, int index, const plan::BoundExpr& arg) {
  return UnexpectedInputType(name, index, "(\"GEOGRAPHY\" or \"GEOMETRY\")", arg);
}

// The struct array of a GEOMETRY / GEOGRAPHY column from its srid and wkb arrays.
Result<std::shared_ptr<arrow::Array>> MakeGeoArray(const std::shared_ptr<arrow::DataType>& type,
                                                   std::shared_ptr<arrow::Array> srids,
                                                   std::shared_ptr<arrow::Array> wkbs,
                                                   std::shared_ptr<arrow::Buffer> validity, int64_t null_count) {
  return std::make_shared<arrow::StructArray>(type, wkbs->length(), arrow::ArrayVector{srids, wkbs}, validity,
                                              null_count);
}

Result<Datum> AsArrayDatum(const Datum& d) {
  if (d.is_array()) return d;
  ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*d.scalar(), 1));
  return Datum(array);
}

// st_geomfromwkb / st_geogfromwkb.
FunctionInfo FromWkb(const std::string& name, bool geography) {
  StringFunctionSpec spec =
      Spec(name,
           name + "(wkb) - Parses the WKB description of a " + (geography ? "geography" : "geometry") +
               " and returns the corresponding " + (geography ? "GEOGRAPHY" : "GEOMETRY") + " value.",
           1, 1, {ArgKind::kBinary}, types::GeoType(geography, geography ? kGeographySrid : 0));
  const auto type = spec.result_type;
  const int32_t srid = geography ? kGeographySrid : 0;
  spec.make_kernel = FixedKernel([type, srid](const std::vector<Datum>& args, int64_t length,
                                              const EvalContext&) -> Result<Datum> {
    const bool scalar = AllScalars(args);
    ARROW_ASSIGN_OR_RAISE(Datum in, AsArrayDatum(args[0]));
    auto wkbs = in.make_array();
    if (wkbs->type_id() != arrow::Type::BINARY) {
      ARROW_ASSIGN_OR_RAISE(wkbs, wkbs->View(arrow::binary()));
    }
    arrow::Int32Builder srids;
    ARROW_RETURN_NOT_OK(srids.AppendValues(std::vector<int32_t>(static_cast<size_t>(wkbs->length()), srid)));
    ARROW_ASSIGN_OR_RAISE(auto srid_array, srids.Finish());
    auto validity = wkbs->null_count() > 0 ? wkbs->data()->buffers[0] : nullptr;
    if (validity && wkbs->offset() != 0) {
      ARROW_ASSIGN_OR_RAISE(validity, arrow::internal::CopyBitmap(arrow::default_memory_pool(), validity->data(),
                                                                  wkbs->offset(), wkbs->length()));
    }
    ARROW_ASSIGN_OR_RAISE(auto geo, MakeGeoArray(type, srid_array, wkbs, validity, wkbs->null_count()));
    return FinishResult(geo, scalar);
  });
  return MakeStringFunction(std::move(spec));
}

// st_asbinary(geo) / st_srid(geo): a field of the struct.
FunctionInfo GeoField(const std::string& name, bool wkb, const std::string& usage) {
  FunctionInfo info;
  info.name = name;
  info.usage = usage;
  info.can_fail = false;
  info.null_intolerant = true;
  info.bind_scalar = [info_copy = info, wkb](const std::string& called, std::vector<BoundExprPtr> args,
                                             const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 1) return WrongArgumentCount(called, "1", args.size());
    const std::string name = CallName(info_copy, called, args);
    const auto out_type = wkb ? arrow::binary() : arrow::int32();
    if (args[0]->type->id() == arrow::Type::NA) {
      auto kernel = std::make_shared<LambdaKernel>([out_type](const std::vector<Datum>&, int64_t,
                                                              const EvalContext&) -> Result<Datum> {
        return Datum(arrow::MakeNullScalar(out_type));
      });
      return BoundExpr::Call(info_copy.name, kernel, args, out_type, true, name);
    }
    if (!types::IsGeo(*args[0]->type)) return NotGeo(name, 0, *args[0]);
    auto kernel = std::make_shared<LambdaKernel>([wkb](const std::vector<Datum>& in, int64_t,
                                                       const EvalContext&) -> Result<Datum> {
      const bool scalar = in[0].is_scalar();
      ARROW_ASSIGN_OR_RAISE(Datum array_datum, AsArrayDatum(in[0]));
      const auto& geo = static_cast<const arrow::StructArray&>(*array_datum.make_array());
      ARROW_ASSIGN_OR_RAISE(auto field, geo.GetFlattenedField(wkb ? 1 : 0));
      return FinishResult(field, scalar);
    });
    return BoundExpr::Call(info_copy.name, kernel, args, out_type, args[0]->nullable, name);
  };
  return info;
}

// st_setsrid(geo, srid): the same value under another SRID; an INT literal SRID
// is in the result type, any other SRID argument makes it GEOMETRY(ANY).
FunctionInfo SetSrid() {
  FunctionInfo info;
  info.name = "st_setsrid";
  info.usage = "st_setsrid(geo, srid) - Returns a new GEOGRAPHY or GEOMETRY value whose SRID is the specified SRID value.";
  info.can_fail = true;
  info.null_intolerant = true;
  info.bind_scalar = [info_copy = info](const std::string& called, std::vector<BoundExprPtr> args,
                                        const EvalContext& ctx) -> Result<BoundExprPtr> {
    if (args.size() != 2) return WrongArgumentCount(called, "2", args.size());
    const std::string name = CallName(info_copy, called, args);
    if (!types::IsGeo(*args[0]->type)) return NotGeo(name, 0, *args[0]);
    const bool geography = types::IsGeography(*args[0]->type);
    int32_t type_srid = types::kMixedSrid;
    const bool int_literal = args[1]->kind == plan::BoundKind::kLiteral && args[1]->type->id() == arrow::Type::INT32;
    if (int_literal && args[1]->literal->is_valid) {
      const int32_t srid = static_cast<const arrow::Int32Scalar&>(*args[1]->literal).value;
      if (!ValidSrid(geography, srid)) return InvalidSrid(srid);
      type_srid = srid;
    }
    ARROW_ASSIGN_OR_RAISE(args[1], CastNumericArgument(args[1], arrow::int32(), name, 1, "\"INT\"", ctx));
    const auto type = types::GeoType(geography, type_srid);
    auto kernel = std::make_shared<LambdaKernel>([type, geography](const std::vector<Datum>& in, int64_t length,
                                                                   const EvalContext&) -> Result<Datum> {
      const bool scalar = AllScalars(in);
      const int64_t rows = scalar ? 1 : length;
      ARROW_ASSIGN_OR_RAISE(Datum geo_datum, AsArrayDatum(in[0]));
      std::shared_ptr<arrow::Array> geo_array = geo_datum.make_array();
      if (geo_array->length() != rows) {
        ARROW_ASSIGN_OR_RAISE(auto scalar_geo, geo_array->GetScalar(0));
        ARROW_ASSIGN_OR_RAISE(geo_array, arrow::MakeArrayFromScalar(*scalar_geo, rows));
      }
      const auto& geo = static_cast<const arrow::StructArray&>(*geo_array);
      ARROW_ASSIGN_OR_RAISE(auto wkbs, geo.GetFlattenedField(1));
      NumericArg<arrow::Int32Type> srids(in[1]);
      arrow::Int32Builder out_srids;
      arrow::TypedBufferBuilder<bool> validity;
      ARROW_RETURN_NOT_OK(out_srids.Reserve(rows));
      ARROW_RETURN_NOT_OK(validity.Reserve(rows));
      int64_t nulls = 0;
      for (int64_t i = 0; i < rows; ++i) {
        const bool valid = geo.IsValid(i) && srids.IsValid(i);
        validity.UnsafeAppend(valid);
        if (!valid) {
          ++nulls;
          out_srids.UnsafeAppend(0);
          continue;
        }
        const int32_t srid = srids.Value(i);
        if (!ValidSrid(geography, srid)) return InvalidSrid(srid);
        out_srids.UnsafeAppend(srid);
      }
      ARROW_ASSIGN_OR_RAISE(auto srid_array, out_srids.Finish());
      std::shared_ptr<arrow::Buffer> bits;
      ARROW_RETURN_NOT_OK(validity.Finish(&bits));
      ARROW_ASSIGN_OR_RAISE(auto out, MakeGeoArray(type, srid_array, wkbs, nulls ? bits : nullptr, nulls));
      return FinishResult(out, scalar);
    });
    const bool nullable = args[0]->nullable || args[1]->nullable;
    return BoundExpr::Call(info_copy.name, kernel, args, type, nullable, name);
  };
  return info;
}

}  // namespace

void RegisterGeoFunctions(FunctionRegistry& registry) {
  registry.Add(FromWkb("st_geomfromwkb", false));
  registry.Add(FromWkb("st_geogfromwkb", true));
  registry.Add(GeoField("st_asbinary", true,
                        "st_asbinary(geo) - Returns the GEOGRAPHY or GEOMETRY value in WKB format."));
  registry.Add(GeoField("st_srid", false, "st_srid(geo) - Returns the SRID of the input GEOGRAPHY or GEOMETRY value."));
  registry.Add(SetSrid());
}

}  // namespace sk8::functions
