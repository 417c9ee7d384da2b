// libFuzzer target: any bytes as IR JSON. Reading must reject bad input with IrFormatError
// (or a JSON parse error), never crash; what it accepts must write back and read the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ir/ir_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dagport::ir;
  const std::string text(reinterpret_cast<const char*>(data), size);
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  try {
    Project p = ProjectFromJson(j);
    Project again = ProjectFromJson(Json::parse(ProjectToJson(p).dump()));
    if (!(again == p)) __builtin_trap();
  } catch (const IrFormatError&) {
  } catch (const Json::exception&) {
  }
  return 0;
}
