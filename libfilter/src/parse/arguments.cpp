#include "parse/arguments_def.hpp"
#include "parse/config.hpp"

namespace sift::parse {

BOOST_SPIRIT_INSTANTIATE(argument_type, iterator_type, context_type)

}  // namespace sift::parse
