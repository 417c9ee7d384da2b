// The local runtime's Jinja templates: parsed into a tree (jinja_syntax.h: jinja_lexer.cc,
// jinja_expression.cc, jinja_statements.cc), then rendered (jinja_render.cc) with the values of
// jinja_value.h, the template context of jinja_context.cc and the filters of jinja_filters.cc.
// Here: the entry point, and the IR values as JSON.
#include "runtime/jinja_template.h"

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "runtime/jinja_syntax.h"

namespace dagport::runtime {

using jinja::Json;
using jinja::PythonRepr;

std::string PythonStr(const Json& v) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return v.dump();
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e16)
      return fmt::format("{:.1f}", d);
    return fmt::format("{}", d);
  }
  std::string out;
  if (v.is_array()) {
    out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + PythonRepr(v[i]);
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    out += (first ? "" : ", ") + PythonRepr(Json(it.key())) + ": " + PythonRepr(it.value());
    first = false;
  }
  return out + "}";
}

bool ValueToJson(const ir::Value& v, const TemplateEnvironment* env, Json* out, std::string* why) {
  using K = ir::ValueKind;
  switch (v.kind()) {
    case K::kNone: *out = nullptr; return true;
    case K::kBool: *out = v.as_bool(); return true;
    case K::kInt: *out = v.as_int(); return true;
    case K::kFloat: *out = v.as_float(); return true;
    case K::kString:
    case K::kTemplate:
    case K::kCron: {
      if (env == nullptr) {
        *out = v.as_text();
        return true;
      }
      std::optional<std::string> text = RenderTemplate(v.as_text(), *env, why);
      if (!text) return false;
      *out = std::move(*text);
      return true;
    }
    case K::kList:
    case K::kTuple: {
      *out = Json::array();
      for (const ir::Value& item : v.items()) {
        Json j;
        if (!ValueToJson(item, env, &j, why)) return false;
        out->push_back(std::move(j));
      }
      return true;
    }
    case K::kDict: {
      *out = Json::object();
      for (const auto& [key, value] : v.entries()) {
        Json j;
        if (!key.is_text()) {
          *why = fmt::format("the dict key {} is not a string", key.ToPython());
          return false;
        }
        if (!ValueToJson(value, env, &j, why)) return false;
        (*out)[key.as_text()] = std::move(j);
      }
      return true;
    }
    default:
      *why =
          fmt::format("{} is not known statically (a value dagport cannot compute)", v.ToPython());
      return false;
  }
}

std::optional<std::string> RenderTemplate(std::string_view text, const TemplateEnvironment& env,
                                          std::string* why) {
  if (text.find_first_of("{\r") == std::string_view::npos && !text.ends_with('\n'))
    return std::string(text);  // nothing for Jinja to change
  try {
    return jinja::RenderTree(jinja::ParseTemplate(text), env);
  } catch (const std::exception& e) {  // LocatedError, or a bug's exception with its reason
    *why = e.what();
    return std::nullopt;
  }
}

}  // namespace dagport::runtime
