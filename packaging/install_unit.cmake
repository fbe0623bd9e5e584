# Run by `cmake --install` (packaging/CMakeLists.txt): writes papaya.service with ExecStart naming
# the binary under the prefix being installed to (--prefix, and DESTDIR left out of the unit).
set(PAPAYA_BINDIR "${CMAKE_INSTALL_PREFIX}/${PAPAYA_BIN_DIR}")
set(unit "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}/${PAPAYA_UNIT_DIR}/papaya.service")
message(STATUS "Installing: ${unit}")
configure_file("${PAPAYA_UNIT_IN}" "${unit}" @ONLY)
