#include "parse/config.hpp"
#include "parse/lexical_def.hpp"

namespace sift::parse {

BOOST_SPIRIT_INSTANTIATE(tag_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(number_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(string_type, iterator_type, context_type)

}  // namespace sift::parse
