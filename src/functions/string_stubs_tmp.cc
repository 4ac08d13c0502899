#include "functions/string_util.h"
namespace sk8::functions {
void RegisterStringFormatFunctions(FunctionRegistry&) {}
void RegisterRegexFunctions(FunctionRegistry&) {}
}
