#include "base64.h"

#include <array>
#include <cstdint>

namespace nbaops {

std::string base64Url(std::string_view bytes)
{
    static constexpr char table[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 |
                           uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
        for (int s : {18, 12, 6, 0})
            out.push_back(table[(n >> s) & 63]);
    }
    if (i < bytes.size()) {
        uint32_t n = uint32_t(uint8_t(bytes[i])) << 16;
        if (i + 1 < bytes.size())
            n |= uint32_t(uint8_t(bytes[i + 1])) << 8;
        out.push_back(table[(n >> 18) & 63]);
        out.push_back(table[(n >> 12) & 63]);
        if (i + 1 < bytes.size())
            out.push_back(table[(n >> 6) & 63]);
    }
    return out;
}

std::string base64UrlDecode(std::string_view text)
{
    std::array<int, 256> value{};
    value.fill(-1);
    const std::string_view table =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (size_t k = 0; k < table.size(); ++k)
        value[uint8_t(table[k])] = int(k);
    value[uint8_t('+')] = 62;
    value[uint8_t('/')] = 63;
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=')
            break;
        const int v = value[uint8_t(c)];
        if (v < 0)
            return "";
        acc = acc << 6 | uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xff));
        }
    }
    return out;
}

} // namespace nbaops
