#pragma once

#include "connect/plan_converter.h"

namespace sk8::connect {

/// DataFrame._joinAsOf (relation as_of_join): see as_of_join.cc.
Result<plan::PlanPtr> ConvertAsOfJoin(const spark::connect::AsOfJoin& join, const ConvertContext& ctx);

}  // namespace sk8::connect
