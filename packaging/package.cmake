# What the package installs beyond the two programs (app/CMakeLists.txt), and the .deb itself
# (CPack): the desktop entry, the icon in the hicolor theme (SVG, and PNGs rendered from it by
# rsvg-convert), the manual pages written by the programs from their own help, the systemd
# user units of `nbaops schedule`, the resources, the copyright and the changelog.
# `./packaging/dev.sh package` builds it; tests/package/ installs it into a fresh root.
include(GNUInstallDirs)
set(_pkg ${CMAKE_BINARY_DIR}/package-files)
set(_svg ${PROJECT_SOURCE_DIR}/packaging/icons/nbaops-console.svg)

find_program(RSVG_CONVERT rsvg-convert)
set(_outputs)
if(RSVG_CONVERT)
  foreach(size 16 22 24 32 48 64 128 256)
    set(_png ${_pkg}/icons/${size}x${size}/nbaops-console.png)
    add_custom_command(OUTPUT ${_png}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${_pkg}/icons/${size}x${size}
        COMMAND ${RSVG_CONVERT} -w ${size} -h ${size} ${_svg} -o ${_png}
        DEPENDS ${_svg} COMMENT "Rendering the ${size}px icon" VERBATIM)
    list(APPEND _outputs ${_png})
    install(FILES ${_png} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
  endforeach()
else()
  message(WARNING "rsvg-convert not found (Debian: librsvg2-bin): the package has the SVG icon only")
endif()
install(FILES ${_svg} DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
install(FILES packaging/nbaops-console.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)

# The manual pages and the units (they start /usr/bin/nbaops, where the .deb puts it), from the programs just built (--backend local and a database
# path in the build tree: writing them reads no settings and touches no database).
set(_cli_args --backend local --db ${_pkg}/unused.db)
add_custom_command(OUTPUT ${_pkg}/man.stamp
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${_pkg}/man
    COMMAND $<TARGET_FILE:nbaops> ${_cli_args} man --out ${_pkg}/man
    COMMAND ${CMAKE_COMMAND} -E touch ${_pkg}/man.stamp
    DEPENDS nbaops COMMENT "Writing the manual pages from nbaops' own help" VERBATIM)
add_custom_command(OUTPUT ${_pkg}/units.stamp
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${_pkg}/units
    COMMAND $<TARGET_FILE:nbaops> ${_cli_args} schedule units --out ${_pkg}/units
        --program /usr/bin/nbaops
    COMMAND ${CMAKE_COMMAND} -E touch ${_pkg}/units.stamp
    DEPENDS nbaops COMMENT "Writing the systemd user units of nbaops schedule" VERBATIM)
list(APPEND _outputs ${_pkg}/man.stamp ${_pkg}/units.stamp)
if(TARGET nbaops-console)
  add_custom_command(OUTPUT ${_pkg}/man/nbaops-console.1
      COMMAND ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY --unset=QT_QPA_PLATFORM
          ${CMAKE_COMMAND} -DCONSOLE=$<TARGET_FILE:nbaops-console> -DVERSION=${PROJECT_VERSION}
          -DOUT=${_pkg}/man/nbaops-console.1 -P ${PROJECT_SOURCE_DIR}/packaging/consoleman.cmake
      DEPENDS nbaops-console ${_pkg}/man.stamp ${PROJECT_SOURCE_DIR}/packaging/consoleman.cmake
      COMMENT "Writing nbaops-console.1 from the console's --help" VERBATIM)
  list(APPEND _outputs ${_pkg}/man/nbaops-console.1)
endif()
add_custom_target(nbaops_package_files ALL DEPENDS ${_outputs})

# Debian wants manual pages gzipped with no timestamp (gzip -9n); done at install time.
install(CODE "
  file(GLOB _pages \"${_pkg}/man/*.1\")
  file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_MANDIR}/man1\")
  foreach(_p \${_pages})
    get_filename_component(_n \${_p} NAME)
    execute_process(COMMAND gzip -9nc \${_p}
        OUTPUT_FILE \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_MANDIR}/man1/\${_n}.gz\")
  endforeach()")
install(DIRECTORY ${_pkg}/units/ DESTINATION lib/systemd/user FILES_MATCHING PATTERN "*.service" PATTERN "*.timer")
install(FILES resources/registry.json resources/alert_rules.json resources/slas.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/nbaops)
install(DIRECTORY resources/runbooks DESTINATION ${CMAKE_INSTALL_DATADIR}/nbaops)
install(FILES packaging/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
set(_changelog ${_pkg}/changelog.gz)
add_custom_command(OUTPUT ${_changelog}
    COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/packaging/debian/changelog > ${_changelog}
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/debian/changelog VERBATIM)
add_custom_target(nbaops_changelog ALL DEPENDS ${_changelog})
install(FILES ${_changelog} DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME nbaops)
set(CPACK_PACKAGE_VENDOR "nbaops")
set(CPACK_PACKAGE_CONTACT "nbaops maintainers <nbaops@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "operator console for an NBA player-props data and ML pipeline")
set(CPACK_PACKAGE_DESCRIPTION "nbaops runs a six-phase NBA player-props pipeline on this machine
(SQLite) or drives its cloud deployment (BigQuery and Cloud Run), and tells
the truth about its health: phase health, trends, alerts and SLAs, backfills,
backups and restore drills, and an XGBoost model workbench. It has a Qt
desktop console (nbaops-console) and a command line (nbaops) for cron and
systemd, with user timers for the nightly run.")
set(CPACK_GENERATOR "TGZ;DEB")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/nbaops")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The console's charts draw through Qt's platform plugins, which shlibdeps cannot see.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-qpa-plugins, gnome-keyring")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
