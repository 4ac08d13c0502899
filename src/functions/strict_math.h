#pragma once

/// Java's StrictMath results for the functions Spark evaluates through it (EXP,
/// LN / LOG, LOG2, COSH): the fdlibm algorithms (argument reduction by k*ln2,
/// the same minimax polynomials), so the last bit agrees with Spark where the C
/// library's correctly rounded results differ.
namespace sk8::functions {

double StrictExp(double x);
double StrictLog(double x);
double StrictCosh(double x);

}  // namespace sk8::functions
