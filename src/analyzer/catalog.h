#pragma once

#include "catalog/session_catalog.h"

/// The analyzer looks names up in the session's catalog (catalog/).
namespace sk8::analyzer {
using SessionCatalog = catalog::SessionCatalog;
}  // namespace sk8::analyzer
