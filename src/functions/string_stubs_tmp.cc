#include "functions/string_util.h"
namespace sk8::functions {
void RegisterStringSearchFunctions(FunctionRegistry&) {}
void RegisterStringFormatFunctions(FunctionRegistry&) {}
void RegisterRegexFunctions(FunctionRegistry&) {}
}
