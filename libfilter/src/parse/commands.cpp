#include "parse/commands_def.hpp"
#include "parse/config.hpp"

namespace sift::parse {

BOOST_SPIRIT_INSTANTIATE(script_type, iterator_type, context_type)

}  // namespace sift::parse
